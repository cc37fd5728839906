// --model iterative: the course's first server, accept; serve; repeat. The
// worker takes its listening socket (adopt_listener) and runs that loop
// inside start(), on the worker's loop thread, which it keeps until the
// server stops: it waits in poll(2) for the listener (or a stop), accepts one
// connection, serves it to its end (blocking_connection.h), and only then
// accepts the next. One client at a time: a keep-alive client holds the
// server until it leaves or its idle timeout runs out, and everyone else
// waits in the listen backlog. --workers does not apply (model.cpp).
//
// Stopping (interrupt, on the main thread): the listener is shut down at
// once, so new clients are refused while the response in flight finishes
// (shutdown(2) of a listening socket takes it out of LISTEN state; the
// descriptor stays ours, so no other thread can be handed its number), and
// an eventfd wakes the blocked poll: the connection finishes its exchange
// and closes, start() returns, and the scaffold's drain() finds nothing
// left to do.
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cstring>

#include "http/models/blocking_connection.h"
#include "http/models/model.h"

namespace muxd::http {
namespace {

// Out of descriptors, accept4 fails at once while the connection stays in the
// backlog: wait this long before trying again, instead of spinning.
constexpr int kStarvedPauseMs = 100;

class IterativeWorker final : public ServiceWorker {
 public:
  explicit IterativeWorker(const ModelContext& context)
      : shared_(context.config, context.root, context.access_log_fd, [] { return SessionDriver::Clock::now(); }),
        graceful_(make_stop_fd()),
        now_(make_stop_fd()) {}

  ~IterativeWorker() override { shared_.access_log.flush(); }

  UniqueFd adopt_listener(size_t, UniqueFd fd) override {
    listener_ = std::move(fd);
    return {};
  }

  void start() override {
    while (!stopping_.load(std::memory_order_relaxed)) accept_and_serve();
  }

  // Main thread: the loop thread is blocked in start(); wake it.
  void interrupt(bool now) override {
    if (!stopping_.exchange(true)) ::shutdown(listener_.get(), SHUT_RD);
    raise_stop(graceful_.get());
    if (now) raise_stop(now_.get());
  }

  // Back on the loop: start() has returned, nothing is in flight.
  void drain(std::function<void()> done) override {
    shared_.access_log.flush();
    done();
  }

 private:
  void accept_and_serve();

  SessionShared shared_;
  UniqueFd listener_;
  UniqueFd graceful_;
  UniqueFd now_;
  std::atomic<bool> stopping_{false};
  ThrottledWarning accept_failed_;
};

void IterativeWorker::accept_and_serve() {
  pollfd fds[2] = {{listener_.get(), POLLIN, 0}, {graceful_.get(), POLLIN, 0}};
  if (::poll(fds, 2, -1) < 0 || fds[1].revents || !(fds[0].revents & POLLIN)) return;
  SocketAddress peer;
  UniqueFd fd(::accept4(listener_.get(), peer.get(), peer.length_ptr(), SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (fd) return serve_blocking(std::move(fd), peer, shared_, {{graceful_.get(), now_.get()}, {}});
  if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
    accept_failed_.warn("accept: {}; pausing for {} ms", std::strerror(errno), kStarvedPauseMs);
    ::poll(&fds[1], 1, kStarvedPauseMs);  // still wakes for a stop
  }
  // EAGAIN (another process took it), ECONNABORTED, EINTR, EINVAL after a
  // stop's shutdown: back to the loop's condition.
}

}  // namespace

std::unique_ptr<ServiceWorker> make_iterative_worker(const ModelContext& context) {
  return std::make_unique<IterativeWorker>(context);
}

}  // namespace muxd::http
