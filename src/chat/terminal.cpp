#include "chat/terminal.h"

#include <sys/ioctl.h>

#include <cerrno>
#include <system_error>

namespace muxd::chat {

RawTerminal::RawTerminal(int fd) : fd_(fd) {
  if (::tcgetattr(fd_, &saved_) != 0) throw std::system_error(errno, std::generic_category(), "tcgetattr");
  termios raw = saved_;
  // No line buffering, no echo, no signals from Ctrl-C/Ctrl-Z/Ctrl-\, no
  // Ctrl-S/Ctrl-Q flow control, CR not turned into NL: every key reaches the
  // editor. Output processing (OPOST) stays on, so "\n" still starts a line.
  raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ISIG | IEXTEN);
  raw.c_iflag &= ~static_cast<tcflag_t>(IXON | ICRNL | INLCR | IGNCR | ISTRIP);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (::tcsetattr(fd_, TCSAFLUSH, &raw) != 0) throw std::system_error(errno, std::generic_category(), "tcsetattr");
}

RawTerminal::~RawTerminal() { ::tcsetattr(fd_, TCSAFLUSH, &saved_); }

size_t RawTerminal::columns() const {
  winsize size{};
  if (::ioctl(fd_, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return 80;
  return size.ws_col;
}

}  // namespace muxd::chat
