#include "echo/echo_server.h"

#include <memory>

#include "core/server.h"
#include "core/session_host.h"
#include "core/timer_queue.h"
#include "echo/session.h"

namespace muxd::echo {
namespace {

// What one worker loop owns: the timestamp its sessions share, one
// TimerQueue per timeout kind, and the SessionHost that drives each
// connection's Session. Listeners, signals and the stop are core's.
class EchoWorker final : public ServiceWorker {
 public:
  EchoWorker(EventLoop& loop, const EchoConfig& config)
      : config_(config),
        pause_timeouts_(loop, config.pause),
        idle_timeouts_(loop, config.idle_timeout),
        host_(loop, {&pause_timeouts_, &idle_timeouts_}, config.max_connections) {}  // in TimeoutKind order

  void on_accept(size_t, UniqueFd fd, const SocketAddress& peer) override {
    host_.start(std::move(fd), peer, std::make_unique<Session>(config_.max_message_bytes, timestamps_));
  }

  void drain(std::function<void()> done) override { host_.stop(std::move(done)); }

 private:
  const EchoConfig& config_;
  Timestamps timestamps_;
  TimerQueue pause_timeouts_;
  TimerQueue idle_timeouts_;
  SessionHost host_;  // last: its connections use the queues and the timestamp
};

}  // namespace

int run_server(const EchoConfig& config) {
  ::tzset();  // ctime() is local time: read TZ once, before the workers start
  ServerSpec spec;
  spec.service = "echo";
  spec.workers = config.workers;
  spec.drain_timeout = config.shutdown_timeout;
  ListenerSpec& listener = spec.listeners.emplace_back();
  listener.address = config.listen;
  listener.nodelay = true;  // small interactive replies: no Nagle delay
  spec.make_worker = [&config](EventLoop& loop, size_t) { return std::make_unique<EchoWorker>(loop, config); };
  return muxd::run_server(spec);
}

}  // namespace muxd::echo
