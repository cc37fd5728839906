#include "core/session_driver.h"

#include <sys/socket.h>

#include <cerrno>
#include <exception>

#include "core/log.h"

namespace muxd {
namespace {

constexpr size_t kReadChunk = 16 * 1024;         // as TcpConnection: one bounded read per wake-up
constexpr uint64_t kMaxLingerBytes = 1 << 20;    // a lingering close reads at most this much

}  // namespace

SessionDriver::SessionDriver(UniqueFd fd, std::unique_ptr<StreamSession> session,
                             std::vector<Clock::duration> timeouts)
    : fd_(std::move(fd)), session_(std::move(session)), timeouts_(std::move(timeouts)) {}

SessionDriver::~SessionDriver() {
  if (self_) *self_ = nullptr;  // late steps are dropped
}

// Every entry point runs under this: a session that throws loses its
// connection, never the thread that drives it.
template <typename F>
void SessionDriver::guarded(F&& step) {
  if (closed()) return;
  try {
    step();
  } catch (const std::exception& error) {
    log_error("connection handler: {}; closing the connection", error.what());
    close();
  }
}

void SessionDriver::start(Clock::time_point now, bool read_first) {
  guarded([&] {
    session_->on_start(output_);
    after_event(now);
  });
  if (read_first && wants_read()) on_readable(now);
}

void SessionDriver::on_readable(Clock::time_point now) {
  guarded([&] {
    if (lingering_) return linger_read();
    if (!reading_) return;  // holding input: the kernel keeps the rest (flow control)
    // Into the thread's scratch buffer, as TcpConnection reads into its
    // loop's: a connection then holds input memory only for what its session
    // left unused, so a thousand slow clients hold a thousand small tails,
    // not a thousand 16 KiB read buffers.
    thread_local Buffer scratch;
    ssize_t n = scratch.read_from(fd_.get(), kReadChunk);
    if (n > 0) {
      input_.append(scratch.readable());
      scratch.clear();
      return offer(now);
    }
    if (n == 0) return deliver_eof(now);
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) close();
  });
}

void SessionDriver::deliver(std::string_view bytes, Clock::time_point now) {
  guarded([&] {
    if (lingering_ || bytes.empty()) return;
    input_.append(bytes);
    if (reading_) offer(now);
  });
}

void SessionDriver::deliver_eof(Clock::time_point now) {
  guarded([&] {
    if (lingering_) return close();
    peer_closed_ = true;
    reading_ = false;
    session_->on_peer_closed(output_);
    after_event(now);
  });
}

void SessionDriver::on_writable(Clock::time_point now) {
  guarded([&] { after_event(now); });
}

void SessionDriver::on_deadline(Clock::time_point now) {
  guarded([&] {
    if (!deadline_ || now < *deadline_) return;
    deadline_.reset();
    if (lingering_) return close();
    session_->on_timeout(output_);
    after_event(now);
  });
}

void SessionDriver::stop(Clock::time_point now) {
  guarded([&] {
    session_->on_stop(output_);
    after_event(now);
  });
}

void SessionDriver::offer_resume(std::function<Clock::time_point()> clock,
                                 std::function<void(SessionDriver&)> after) {
  session_->attach([this, clock = std::move(clock), after = std::move(after)]() -> Resume {
    if (!self_) self_ = std::make_shared<SessionDriver*>(this);
    return [self = self_, clock, after](ResumeStep step) {
      SessionDriver* driver = *self;
      if (!driver) return;
      driver->resume(step, clock());
      after(*driver);  // may destroy the driver: nothing follows
    };
  });
}

void SessionDriver::resume(const ResumeStep& step, Clock::time_point now) {
  guarded([&] {
    step(output_);
    after_event(now);
  });
}

void SessionDriver::close() {
  if (fd_.valid() && before_close_) before_close_();
  fd_.reset();
  deadline_.reset();
  lingering_ = false;
  output_.clear();
  input_.clear();
}

// Offers the buffered input; when the session answered and the socket took
// it all, offers what is left again: the session may have stopped at its
// output budget with complete requests still buffered (pipelining).
void SessionDriver::offer(Clock::time_point now) {
  bool again;
  do {
    size_t used = session_->on_data(input_.readable(), output_);
    input_.consume(used);
    bool answered = !output_.empty();
    flush(now);
    if (closed() || closing_) return;
    again = answered && used > 0 && output_.empty() && !input_.empty();
  } while (again);
  apply(session_->wants(output_), now);
}

void SessionDriver::after_event(Clock::time_point now) {
  flush(now);
  if (!closed() && !closing_ && !lingering_) apply(session_->wants(output_), now);
}

// Close first, then the timeout, then reading (which may deliver held input,
// coming back here through offer()).
void SessionDriver::apply(const SessionWants& wants, Clock::time_point now) {
  if (wants.close == SessionWants::Close::now) return close();
  if (wants.timeout == 0 || wants.timeout > timeouts_.size()) {
    timeout_ = 0;
    deadline_.reset();
  } else if (wants.timeout != timeout_ || wants.restart_timeout) {
    arm(wants.timeout, now);
  }
  restart_on_progress_ = wants.restart_on_progress;
  if (wants.close != SessionWants::Close::no) {
    closing_ = true;
    reading_ = false;
    linger_ = linger_ || wants.close == SessionWants::Close::after_output_lingering;
    if (output_.empty()) finish_output(now);
    return;
  }
  if (wants.idle) {
    input_.release_if_empty();
    output_.release_if_empty();
  }
  bool resumed = wants.read && !reading_ && !peer_closed_;
  reading_ = wants.read && !peer_closed_;
  if (resumed && !input_.empty()) offer(now);  // input held while the output drained
}

void SessionDriver::arm(uint8_t number, Clock::time_point now) {
  timeout_ = number;
  deadline_ = now + timeouts_[number - 1];
}

void SessionDriver::flush(Clock::time_point now) {
  if (closed() || lingering_ || output_.empty()) return;
  output_.set_closing(closing_);
  uint64_t before = output_.pending_bytes();
  OutputQueue::Flush result = output_.flush(fd_.get());
  if (restart_on_progress_ && timeout_ != 0 && output_.pending_bytes() < before) arm(timeout_, now);
  switch (result) {
    case OutputQueue::Flush::done:
      if (closing_) finish_output(now);
      return;
    case OutputQueue::Flush::would_block:
      return;
    case OutputQueue::Flush::file_shrank:
      log_warn("a file shrank while being sent; closing the connection");
      return close();
    case OutputQueue::Flush::error:
      return close();
  }
}

// The output of a closing connection is out. When the peer may still be
// sending, shut our side down and read until it closes, bounded by
// kMaxLingerBytes and the timeout armed last; closing with unread input
// would send a reset that can destroy the reply (RFC 9112 §9.6).
void SessionDriver::finish_output(Clock::time_point now) {
  bool unread = !input_.empty() || linger_;
  if (!unread || peer_closed_ || timeout_ == 0) return close();
  ::shutdown(fd_.get(), SHUT_WR);
  lingering_ = true;
  closing_ = false;
  reading_ = false;
  input_.clear();
  input_.release_if_empty();
  arm(timeout_, now);
}

void SessionDriver::linger_read() {
  char sink[kReadChunk];
  ssize_t n = ::recv(fd_.get(), sink, sizeof sink, 0);
  if (n > 0) lingered_bytes_ += static_cast<uint64_t>(n);
  bool failed = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  if (n == 0 || failed || lingered_bytes_ > kMaxLingerBytes) close();
}

}  // namespace muxd
