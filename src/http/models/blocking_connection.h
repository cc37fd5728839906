#pragma once
// What the blocking models (iterative, thread, fork) share: serving one
// connection to its end on the calling thread, blocked in poll(2) on its
// socket and on the server's stop descriptors, with the SessionDriver's
// deadline as poll's timeout. No loop, no timers: the driver says what to
// wait for and until when; poll waits. This is the course's blocking server,
// kept honest: the thread (or process) belongs to the connection until it
// closes, and a second client is someone else's thread's problem.
#include <chrono>
#include <functional>
#include <vector>

#include "core/log.h"
#include "core/session_driver.h"
#include "core/unique_fd.h"
#include "http/session.h"

namespace muxd::http {

// What wakes a blocked connection when the server stops: each descriptor
// becomes readable once and stays readable (an eventfd written once, or a
// signalfd with a pending SIGTERM); -1 for none. `graceful`: the session
// finishes the exchange in flight (SessionDriver::stop); `now`: close at once.
struct StopFds {
  int graceful = -1;
  int now = -1;
};

struct BlockingOptions {
  StopFds stop;
  // Runs before each access log flush: a fork child checks whether the log
  // was rotated (its descriptor is its own, the parent's reopen cannot reach it).
  std::function<void()> before_log_flush;
};

// The three timeouts in http::TimeoutKind order, as SessionDriver wants them.
std::vector<SessionDriver::Clock::duration> session_timeouts(const HttpConfig& config);

// Serves one accepted, non-blocking connection until it closes (or
// `options.stop.now` fires): builds the Session on `shared`, starts it reading first
// (TCP_DEFER_ACCEPT: the request is usually there), then waits in poll.
// Flushes the access log of `shared` when the connection ends and, while it
// lasts, at most once a second. Never throws (a session fault closes its
// connection; see SessionDriver).
void serve_blocking(UniqueFd fd, const SocketAddress& peer, SessionShared& shared, const BlockingOptions& options);

// An eventfd that a stop writes once; readable from then on.
UniqueFd make_stop_fd();
void raise_stop(int fd);

// A warning logged at most once a second (fork or thread creation failing
// under load would otherwise flood the log), counting what it suppressed.
// One thread uses it at a time.
class ThrottledWarning {
 public:
  template <typename... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) {
    auto now = std::chrono::steady_clock::now();
    ++count_;
    if (now < next_) return;
    log_warn("{} ({} times since the last report)", fmt::format(format, std::forward<Args>(args)...), count_);
    count_ = 0;
    next_ = now + std::chrono::seconds(1);
  }

 private:
  std::chrono::steady_clock::time_point next_{};
  uint64_t count_ = 0;
};

}  // namespace muxd::http
