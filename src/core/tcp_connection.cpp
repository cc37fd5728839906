#include "core/tcp_connection.h"

#include <cerrno>

#include "core/socket.h"

namespace muxd {

TcpConnection::TcpConnection(EventLoop& loop, UniqueFd fd, StreamHandler* handler)
    : loop_(loop), fd_(std::move(fd)), handler_(handler) {
  peer_ = peer_address(fd_.get());
  local_ = local_address(fd_.get());
}

TcpConnection::~TcpConnection() {
  if (fd_) loop_.remove(fd_.get());
}

void TcpConnection::start() {
  interest_ = EPOLLIN | EPOLLRDHUP;
  loop_.add(fd_.get(), interest_, this);
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

void TcpConnection::close_after_drain() {
  if (closed()) return;
  closing_ = true;
  if (output_.empty()) finish(CloseReason::local);
}

void TcpConnection::close() {
  if (!closed()) finish(CloseReason::local);
}

void TcpConnection::pause_reading() {
  reading_ = false;
  update_interest();
}

void TcpConnection::resume_reading() {
  reading_ = true;
  update_interest();
  // Data that arrived while paused is already buffered: deliver it.
  if (!input_.empty() && !closed()) handler_->on_data(*this, input_);
}

void TcpConnection::handle_events(uint32_t events) {
  if (closed()) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) handle_read();
  if (!closed() && (events & EPOLLOUT)) handle_write();
}

void TcpConnection::handle_read() {
  if (!reading_) return;
  ssize_t n = input_.read_from(fd_.get());
  if (n > 0) {
    handler_->on_data(*this, input_);
  } else if (n == 0) {
    finish(CloseReason::peer_closed);
  } else if (errno != EAGAIN && errno != EINTR) {
    finish(CloseReason::error);
  }
}

void TcpConnection::handle_write() {
  if (closed()) return;
  switch (output_.flush(fd_.get())) {
    case OutputQueue::Flush::done:
      if (closing_) return finish(CloseReason::local);
      update_interest();
      handler_->on_drained(*this);
      return;
    case OutputQueue::Flush::would_block:
      return update_interest();
    case OutputQueue::Flush::error:
    case OutputQueue::Flush::file_shrank:
      return finish(CloseReason::error);
  }
}

void TcpConnection::update_interest() {
  if (closed()) return;
  uint32_t wanted = (reading_ ? EPOLLIN | EPOLLRDHUP : 0u) | (output_.empty() ? 0u : EPOLLOUT);
  if (wanted == interest_) return;
  interest_ = wanted;
  loop_.modify(fd_.get(), interest_, this);
}

void TcpConnection::finish(CloseReason reason) {
  loop_.remove(fd_.get());
  fd_.reset();
  output_.clear();
  handler_->on_closed(*this, reason);
}

}  // namespace muxd
