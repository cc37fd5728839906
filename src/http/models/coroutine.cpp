// --model coroutine: a C++20 coroutine per connection, all of a worker's
// connections on its one epoll loop (asyncio's and gevent's model, made
// explicit).
//
// serve() below is the thread model's blocking loop with `co_await` where
// that one blocks in poll(2): it waits for what the driver wants (readable,
// writable, its deadline, or a stop), then reports what happened. Only the
// connection suspends; the worker's thread goes on with the others, so a
// worker holds ten thousand connections as the epoll model does, at the
// price of one coroutine frame (plus the driver's buffers) each. The kit it
// runs on is core/task.h (tasks owned by the worker, the stop signal) and
// core/async_socket.h (the awaitables).
//
// --workers N: N such loops, each with its own listener (SO_REUSEPORT).
#include <memory>

#include "core/async_socket.h"
#include "core/session_driver.h"
#include "core/task.h"
#include "http/auth_offload.h"
#include "http/models/model.h"
#include "http/session.h"

namespace muxd::http {
namespace {

constexpr auto kLogFlushInterval = std::chrono::seconds(1);

// One connection, from accept to close. The parameters and locals live in
// the coroutine's frame; `loop` and `shared` are the worker's, which
// outlives its tasks.
Task serve(EventLoop& loop, SessionShared& shared, UniqueFd fd, SocketAddress peer) {
  const HttpConfig& config = shared.config;
  SessionDriver driver(std::move(fd), std::make_unique<Session>(shared, peer),
                       {config.header_timeout, config.idle_timeout, config.write_timeout});  // TimeoutKind order
  AsyncSocket socket(loop, driver.fd());
  driver.before_close([&socket] { socket.unwatch(); });  // out of epoll while the number is ours
  if (shared.offload_auth) {  // a password check's verdict resumes the driver; the task then waits anew
    driver.offer_resume([&loop] { return loop.now(); }, [&socket](SessionDriver&) { socket.poke(); });
  }
  // The listener defers accepting until the request is in (TCP_DEFER_ACCEPT):
  // read it now; a Connection: close exchange never touches epoll.
  driver.start(loop.now(), /*read_first=*/true);
  while (!driver.closed()) {
    Wake wake = co_await socket.wait(driver.wants_read(), driver.wants_write(), driver.deadline());
    auto now = loop.now();
    if (wake.stopped) driver.stop(now);  // graceful: finish the response in flight
    if (wake.timed_out) driver.on_deadline(now);
    if (wake.writable) driver.on_writable(now);
    if (wake.readable) driver.on_readable(now);  // each call is a no-op once closed
  }
}

class CoroutineWorker final : public ServiceWorker {
 public:
  explicit CoroutineWorker(const ModelContext& context)
      : loop_(context.loop),
        shared_(context.config, context.root, context.access_log_fd, [&loop = context.loop] { return loop.now(); }),
        auth_(shared_, [&loop = context.loop](WorkThreads::Completion completion) {
          loop.run_in_loop(std::move(completion));
        }) {}

  // On the main thread once the loop has stopped: connections still open are
  // destroyed where they are suspended (their sockets close).
  ~CoroutineWorker() override {
    if (flush_timer_) loop_.cancel(*flush_timer_);
    tasks_.destroy_all();
    shared_.access_log.flush();
  }

  void start() override {
    if (shared_.access_log.enabled()) flush_log_periodically();
  }

  // Refused (the socket closes) past --max-connections or while stopping.
  void on_accept(size_t, UniqueFd fd, const SocketAddress& peer) override {
    size_t limit = shared_.config.max_connections;
    if (shared_.stopping || (limit != 0 && tasks_.size() >= limit)) return;
    tasks_.spawn(serve(loop_, shared_, std::move(fd), peer));
  }

  void drain(std::function<void()> done) override {
    shared_.stopping = true;  // no more keep-alive
    tasks_.when_empty([this, done = std::move(done)] {
      shared_.access_log.flush();
      done();
    });
    tasks_.stop_all();
  }

 private:
  void flush_log_periodically() {
    shared_.access_log.flush();
    flush_timer_ = loop_.run_after(kLogFlushInterval, [this] { flush_log_periodically(); });
  }

  EventLoop& loop_;
  SessionShared shared_;
  std::optional<EventLoop::TimerId> flush_timer_;
  AuthOffload auth_;  // --auth-file's hashing threads
  TaskGroup tasks_;  // last: its tasks use everything above
};

}  // namespace

std::unique_ptr<ServiceWorker> make_coroutine_worker(const ModelContext& context) {
  return std::make_unique<CoroutineWorker>(context);
}

}  // namespace muxd::http
