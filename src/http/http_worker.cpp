#include "http/http_worker.h"

namespace muxd::http {
namespace {

constexpr auto kLogFlushInterval = std::chrono::seconds(1);

}  // namespace

HttpWorker::HttpWorker(EventLoop& loop, const HttpConfig& config, const DocumentRoot& root, int access_log_fd)
    : loop_(loop),
      shared_(config, root, access_log_fd, [&loop] { return loop.now(); }),
      request_timeouts_(loop, config.header_timeout),
      idle_timeouts_(loop, config.idle_timeout),
      write_timeouts_(loop, config.write_timeout),
      // In TimeoutKind order.
      host_(loop, {&request_timeouts_, &idle_timeouts_, &write_timeouts_}, config.max_connections),
      auth_(shared_, [&loop](WorkThreads::Completion completion) { loop.run_in_loop(std::move(completion)); }) {}

HttpWorker::~HttpWorker() { shared_.access_log.flush(); }

void HttpWorker::start() {
  if (shared_.access_log.enabled()) flush_log_periodically();
}

// The listener defers accepting until the request arrived (TCP_DEFER_ACCEPT),
// so read before registering: a Connection: close exchange then never
// touches epoll (accept4, read, sendmsg, close), a keep-alive one saves a wake-up.
void HttpWorker::on_accept(size_t, UniqueFd fd, const SocketAddress& peer) {
  if (host_.stopping()) return;
  host_.start(std::move(fd), peer, std::make_unique<Session>(shared_, peer), TcpConnection::Start::read_first);
}

void HttpWorker::drain(std::function<void()> done) {
  shared_.stopping = true;
  host_.stop([this, done = std::move(done)] {
    shared_.access_log.flush();
    done();
  });
}

void HttpWorker::flush_log_periodically() {
  shared_.access_log.flush();
  loop_.run_after(kLogFlushInterval, [this] { flush_log_periodically(); });
}

}  // namespace muxd::http
