#include "chat/line_reader.h"

#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace muxd::chat {

LineReader::LineReader(EventLoop& loop, int fd, size_t max_line_bytes, LineHandler on_line)
    : loop_(loop), fd_(fd), lines_(max_line_bytes), on_line_(std::move(on_line)) {
  try {
    loop_.add(fd_, EPOLLIN, this);
    active_ = true;
  } catch (const std::system_error&) {
    // EPERM: epoll cannot watch regular files or /dev/null; EBADF: closed.
  }
}

LineReader::~LineReader() { stop(); }

void LineReader::handle_events(uint32_t) {
  // One read per readiness: it cannot block, so the descriptor may stay in
  // blocking mode (stdin's mode is shared with the shell that started us).
  char buffer[4096];
  const ssize_t n = ::read(fd_, buffer, sizeof(buffer));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    if (auto rest = lines_.rest()) on_line_(*rest);
    return stop();
  }
  lines_.append(std::string_view(buffer, static_cast<size_t>(n)));
  while (auto line = lines_.next_line()) on_line_(*line);
}

void LineReader::stop() {
  if (!active_) return;
  loop_.remove(fd_);
  active_ = false;
}

}  // namespace muxd::chat
