#include "core/tcp_connection.h"

#include <sys/socket.h>

#include <cerrno>
#include <exception>

#include "core/log.h"
#include "core/socket.h"

namespace muxd {
namespace {

// One read per wake-up: with level-triggered epoll, more data means another
// event, and one bounded read keeps the loop fair to its other connections.
constexpr size_t kReadChunk = 16 * 1024;
// A lingering close reads at most this much before giving up on the peer.
constexpr uint64_t kMaxLingerBytes = 1 << 20;
// A kept tail in a buffer bigger than this (and four times its size) moves to
// a buffer of its own size.
constexpr size_t kMaxIdleTail = 4096;

// The loop's scratch buffer for the length of one read, given back however
// the read ends (a handler may throw).
class ScratchLease {
 public:
  explicit ScratchLease(EventLoop& loop) : loop_(loop), buffer_(loop.borrow_scratch()) {}
  ~ScratchLease() { give_back(); }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  explicit operator bool() const { return buffer_ != nullptr; }
  Buffer* operator->() const { return buffer_; }
  Buffer& operator*() const { return *buffer_; }
  void give_back() {
    if (!buffer_) return;
    buffer_->clear();
    buffer_ = nullptr;
    loop_.return_scratch();
  }

 private:
  EventLoop& loop_;
  Buffer* buffer_;
};

}  // namespace

void StreamHandler::on_eof(TcpConnection& connection) { connection.close(CloseReason::peer_closed); }
void StreamHandler::on_timeout(TcpConnection& connection) { connection.close(CloseReason::timed_out); }

TcpConnection::TcpConnection(EventLoop& loop, UniqueFd fd, StreamHandler* handler)
    : loop_(loop), fd_(std::move(fd)), handler_(handler), timer_([this] { on_timer(); }) {}

// Closing the descriptor removes it from epoll, since nothing else holds it:
// neither close() nor this destructor spends an epoll_ctl on it. (A process
// model that forks with connections open must remove them explicitly.)
TcpConnection::~TcpConnection() = default;

const SocketAddress& TcpConnection::peer() const {
  if (!has_peer_ && fd_) peer_ = peer_address(fd_.get());
  has_peer_ = true;
  return peer_;
}

const SocketAddress& TcpConnection::local() const {
  if (!has_local_ && fd_) local_ = local_address(fd_.get());
  has_local_ = true;
  return local_;
}

void TcpConnection::start(Start how) {
  loop_.assert_in_loop_thread();
  if (how == Start::read_first) {
    starting_ = true;
    try {
      handle_events(EPOLLIN);
    } catch (const std::exception& error) {  // not under the loop's dispatch: contain it here
      starting_ = false;
      log_error("connection handler: {}; closing the connection", error.what());
      return close(CloseReason::error);
    }
    starting_ = false;
  }
  if (!closed()) update_interest();
}

void TcpConnection::send(std::string_view bytes) {
  if (closed()) return;
  output_.append(bytes);
  handle_write();
}

void TcpConnection::send_file(int fd, off_t offset, uint64_t length, std::shared_ptr<const void> owner) {
  if (closed()) return;
  output_.append_file(fd, offset, length, std::move(owner));
  handle_write();
}

void TcpConnection::flush() {
  if (!closed() && !output_.empty()) handle_write();
}

void TcpConnection::close_after_drain(Linger linger) {
  if (closed() || lingering_) return;
  closing_ = true;
  linger_ = linger_ || linger == Linger::yes;
  handle_write();  // sends what was queued without a flush, or closes now
}

void TcpConnection::close(CloseReason reason) {
  if (!closed()) finish(reason);
}

void TcpConnection::pause_reading() {
  if (!reading_) return;
  reading_ = false;
  update_interest();
}

void TcpConnection::resume_reading() {
  if (reading_ || peer_closed_ || closed()) return;
  reading_ = true;
  update_interest();
  // Data that arrived while paused is already buffered: deliver it.
  if (!input_.empty() && !closed()) deliver(input_);
}

void TcpConnection::arm_timeout(TimerQueue& queue, bool restart_on_progress) {
  loop_.assert_in_loop_thread();
  timer_queue_ = &queue;
  restart_on_progress_ = restart_on_progress;
  queue.arm(timer_);
}

void TcpConnection::cancel_timeout() {
  timer_.cancel();
  timer_queue_ = nullptr;
}

void TcpConnection::release_buffers() {
  input_.release_if_empty();
  output_.release_if_empty();
}

void TcpConnection::handle_events(uint32_t events) {
  if (closed()) return;
  if (lingering_) return linger_read();
  if (events & EPOLLERR) return finish(CloseReason::error);
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) {
    if (reading_) {
      handle_read();
    } else if ((events & EPOLLHUP) && output_.empty()) {
      return finish(CloseReason::peer_closed);  // both ways shut: nothing will ever happen
    }
  }
  if (!closed() && (events & (EPOLLOUT | EPOLLHUP)) && !output_.empty()) handle_write();
}

// Reads into the loop's scratch buffer, so a connection holds input memory
// only for the bytes its handler left unused: a thousand slow clients hold a
// thousand small tails, not a thousand read-sized buffers.
void TcpConnection::handle_read() {
  ScratchLease scratch(loop_);
  Buffer& in = scratch ? *scratch : input_;
  ssize_t n = in.read_from(fd_.get(), kReadChunk);
  if (n > 0 && scratch && !input_.empty()) {
    input_.append(scratch->readable());  // after a kept tail: the handler needs them together
    scratch.give_back();
  }
  if (n > 0) {
    deliver(scratch ? *scratch : input_);
  } else if (n == 0) {
    peer_closed_ = true;
    reading_ = false;
    update_interest();  // EOF stays readable: stop asking
    if (!closed()) handler_->on_eof(*this);
  } else if (errno != EAGAIN && errno != EINTR) {
    finish(CloseReason::error);
  }
}

void TcpConnection::deliver(Buffer& in) {
  delivering_ = &in;  // a close decided inside the handler must see what it left
  handler_->on_data(*this, in);
  delivering_ = nullptr;
  if (&in != &input_) {
    if (!closed() && !in.empty()) input_.append(in.readable());
    in.clear();
  } else if (!in.empty() && in.capacity() > kMaxIdleTail && in.size() * 4 < in.capacity()) {
    Buffer tail;  // a small tail left in a big buffer: keep the tail, not the buffer
    tail.append(in.readable());
    input_ = std::move(tail);
  } else {
    input_.release_if_empty();
  }
}

bool TcpConnection::input_left() const {
  return !input_.empty() || (delivering_ && !delivering_->empty());
}

void TcpConnection::handle_write() {
  if (closed() || lingering_) return;
  output_.set_closing(closing_);
  uint64_t before = output_.pending_bytes();
  OutputQueue::Flush result = output_.flush(fd_.get());
  if (restart_on_progress_ && timer_queue_ && output_.pending_bytes() < before) timer_queue_->arm(timer_);
  switch (result) {
    case OutputQueue::Flush::done:
      if (closing_) {
        bool unread = input_left() || linger_;
        return unread && !peer_closed_ ? begin_linger() : finish(CloseReason::local);
      }
      update_interest();
      if (!closed()) handler_->on_drained(*this);
      return;
    case OutputQueue::Flush::would_block:
      return update_interest();
    case OutputQueue::Flush::file_shrank:
      log_warn("a file shrank while being sent to {}; closing the connection", peer().ip_string());
      return finish(CloseReason::error);
    case OutputQueue::Flush::error:
      return finish(CloseReason::error);
  }
}

// Our reply is out; the peer may still be sending. Shut our side down and
// read until it closes, bounded by kMaxLingerBytes and the timeout last armed.
void TcpConnection::begin_linger() {
  if (!timer_queue_) return finish(CloseReason::local);  // nothing would bound the wait
  ::shutdown(fd_.get(), SHUT_WR);
  lingering_ = true;
  closing_ = false;
  reading_ = true;
  input_.clear();
  release_buffers();
  timer_queue_->arm(timer_);
  update_interest();
}

void TcpConnection::linger_read() {
  ScratchLease scratch(loop_);
  Buffer& in = scratch ? *scratch : input_;
  ssize_t n = in.read_from(fd_.get(), kReadChunk);
  in.clear();
  if (n > 0) lingered_bytes_ += static_cast<uint64_t>(n);
  bool failed = n < 0 && errno != EAGAIN && errno != EINTR;
  if (n == 0 || failed || lingered_bytes_ > kMaxLingerBytes) finish(CloseReason::local);
}

void TcpConnection::update_interest() {
  if (closed() || starting_) return;
  uint32_t wanted = (reading_ ? EPOLLIN | EPOLLRDHUP : 0u) | (output_.empty() ? 0u : EPOLLOUT);
  if (registered_ && wanted == interest_) return;
  interest_ = wanted;
  try {
    if (registered_) {
      loop_.modify(fd_.get(), interest_, this);
    } else {
      loop_.add(fd_.get(), interest_, this);
      registered_ = true;
    }
  } catch (const std::exception& error) {  // ENOMEM, ENOSPC (max_user_watches)
    log_error("{}; closing the connection", error.what());
    finish(CloseReason::error);
  }
}

void TcpConnection::on_timer() {
  if (closed()) return;
  if (lingering_) return finish(CloseReason::local);
  try {
    handler_->on_timeout(*this);
  } catch (const std::exception& error) {
    log_error("timeout handler: {}; closing the connection", error.what());
    close(CloseReason::error);
  }
}

void TcpConnection::finish(CloseReason reason) {
  timer_.cancel();
  timer_queue_ = nullptr;
  fd_.reset();
  lingering_ = false;
  output_.clear();
  input_.clear();
  handler_->on_closed(*this, reason);
}

}  // namespace muxd
