#include "qa/qa_server.h"

#include <memory>

#include "core/address_limit.h"
#include "core/server.h"
#include "core/session_host.h"
#include "core/timer_queue.h"
#include "qa/session.h"

namespace muxd::qa {
namespace {

// What one worker loop owns: one TimerQueue per timeout kind and the
// SessionHost that drives each connection's Session. The table and the
// per-IP count are the process's, shared by every worker.
class QaWorker final : public ServiceWorker {
 public:
  QaWorker(EventLoop& loop, const QaConfig& config, AddressLimit& per_ip)
      : config_(config),
        per_ip_(per_ip),
        pause_timeouts_(loop, config.pause),
        idle_timeouts_(loop, config.idle_timeout),
        host_(loop, {&pause_timeouts_, &idle_timeouts_}, config.max_connections) {}  // in TimeoutKind order

  // Past a limit the socket closes at once: the course's protocol has no
  // word for "busy" (an answer would be taken for the bot's).
  void on_accept(size_t, UniqueFd fd, const SocketAddress& peer) override {
    auto lease = per_ip_.acquire(peer);
    if (!lease) return;
    host_.start(std::move(fd), peer, std::make_unique<Session>(config_.answers, config_.max_question_bytes, lease));
  }

  void drain(std::function<void()> done) override { host_.stop(std::move(done)); }

 private:
  const QaConfig& config_;
  AddressLimit& per_ip_;
  TimerQueue pause_timeouts_;
  TimerQueue idle_timeouts_;
  SessionHost host_;  // last: its connections use the queues
};

}  // namespace

int run_server(const QaConfig& config) {
  AddressLimit per_ip(config.max_per_ip);
  ServerSpec spec;
  spec.service = "qa";
  spec.workers = config.workers;
  spec.drain_timeout = config.shutdown_timeout;
  ListenerSpec& listener = spec.listeners.emplace_back();
  listener.address = config.listen;
  listener.nodelay = true;  // small interactive answers: no Nagle delay
  spec.make_worker = [&](EventLoop& loop, size_t) { return std::make_unique<QaWorker>(loop, config, per_ip); };
  return muxd::run_server(spec);
}

}  // namespace muxd::qa
