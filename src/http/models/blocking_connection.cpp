#include "http/models/blocking_connection.h"

#include <poll.h>
#include <sys/eventfd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>

namespace muxd::http {
namespace {

using Clock = SessionDriver::Clock;

constexpr auto kLogFlushInterval = std::chrono::seconds(1);

// poll's timeout for `deadline`, rounded up: waking a millisecond early would
// only find the deadline not yet due and wait again.
int timeout_ms(const std::optional<Clock::time_point>& deadline, Clock::time_point now) {
  if (!deadline) return -1;
  if (*deadline <= now) return 0;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - now).count();
  return left > 1'000'000'000 ? 1'000'000'000 : static_cast<int>(left);
}

void flush_log(SessionShared& shared, const BlockingOptions& options) {
  if (!shared.access_log.enabled()) return;
  if (options.before_log_flush) options.before_log_flush();
  shared.access_log.flush();
}

class BlockingConnection {
 public:
  BlockingConnection(SessionDriver& driver, SessionShared& shared, const BlockingOptions& options)
      : driver_(driver), shared_(shared), stop_(options.stop), options_(options) {}

  void run() {
    next_flush_ = Clock::now() + kLogFlushInterval;
    if (shared_.stopping) driver_.stop(Clock::now());  // the stop came before this connection
    while (!driver_.closed()) wait_once();
  }

 private:
  void wait_once();
  void on_socket(short revents, Clock::time_point now);
  void flush_log_now_and_then(Clock::time_point now);

  SessionDriver& driver_;
  SessionShared& shared_;
  StopFds stop_;
  const BlockingOptions& options_;
  Clock::time_point next_flush_;
};

void BlockingConnection::wait_once() {
  pollfd fds[3];
  nfds_t count = 0;
  short events = (driver_.wants_read() ? POLLIN : 0) | (driver_.wants_write() ? POLLOUT : 0);
  fds[count++] = {driver_.fd(), events, 0};
  int graceful = -1, now_fd = -1;
  if (stop_.graceful >= 0 && !shared_.stopping) {
    graceful = static_cast<int>(count);
    fds[count++] = {stop_.graceful, POLLIN, 0};
  }
  if (stop_.now >= 0) {
    now_fd = static_cast<int>(count);
    fds[count++] = {stop_.now, POLLIN, 0};
  }
  int ready = ::poll(fds, count, timeout_ms(driver_.deadline(), Clock::now()));
  if (ready < 0) {
    if (errno == EINTR) return;
    log_error("poll: {}; closing the connection", std::strerror(errno));
    return driver_.close();
  }
  Clock::time_point now = Clock::now();
  shared_.refresh_clock();
  if (now_fd >= 0 && fds[now_fd].revents) return driver_.close();
  if (graceful >= 0 && fds[graceful].revents) {
    shared_.stopping = true;  // no more keep-alive (this SessionShared serves this connection only)
    driver_.stop(now);
  }
  if (fds[0].revents) on_socket(fds[0].revents, now);
  if (!driver_.closed()) driver_.on_deadline(now);  // does nothing before the deadline
  flush_log_now_and_then(now);
}

// POLLHUP and POLLERR come whatever was asked: the read or the write that
// follows finds the reason (EOF, ECONNRESET, EPIPE). A connection that wants
// neither and is told the peer is gone has nothing left to do but close.
void BlockingConnection::on_socket(short revents, Clock::time_point now) {
  bool wanted_read = driver_.wants_read(), wanted_write = driver_.wants_write();
  if (wanted_read && (revents & (POLLIN | POLLHUP | POLLERR))) driver_.on_readable(now);
  if (wanted_write && !driver_.closed() && (revents & (POLLOUT | POLLHUP | POLLERR))) driver_.on_writable(now);
  if (!wanted_read && !wanted_write && (revents & (POLLHUP | POLLERR))) driver_.close();
}

void BlockingConnection::flush_log_now_and_then(Clock::time_point now) {
  if (now < next_flush_) return;
  flush_log(shared_, options_);
  next_flush_ = now + kLogFlushInterval;
}

}  // namespace

std::vector<SessionDriver::Clock::duration> session_timeouts(const HttpConfig& config) {
  return {config.header_timeout, config.idle_timeout, config.write_timeout};
}

void serve_blocking(UniqueFd fd, const SocketAddress& peer, SessionShared& shared, const BlockingOptions& options) {
  try {
    SessionDriver driver(std::move(fd), std::make_unique<Session>(shared, peer), session_timeouts(shared.config));
    shared.refresh_clock();
    driver.start(Clock::now(), /*read_first=*/true);
    BlockingConnection(driver, shared, options).run();
  } catch (const std::exception& error) {  // building the session (bad_alloc): this connection only
    log_error("connection: {}; closing it", error.what());
  }
  flush_log(shared, options);
}

UniqueFd make_stop_fd() {
  UniqueFd fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!fd) throw std::system_error(errno, std::generic_category(), "eventfd");
  return fd;
}

void raise_stop(int fd) {
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(fd, &one, sizeof one);
}

}  // namespace muxd::http
