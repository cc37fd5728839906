#include "ftp/password_prompt.h"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace muxd::ftp {

std::optional<std::string> read_password(int fd, const std::string& prompt) {
  termios saved{};
  if (::isatty(fd) != 1 || ::tcgetattr(fd, &saved) != 0) return std::nullopt;
  termios quiet = saved;
  // No echo, but ECHONL: the Enter that ends the password still moves to the
  // next line. Ctrl-C (ISIG) still ends the program; echo may then stay off
  // until `stty sane`, the trade-off for installing no signal handler here.
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  // Echo goes off before the prompt shows, so nothing typed after it is
  // echoed; what was typed before it (and echoed) is flushed, as getpass(3) did.
  if (::tcsetattr(fd, TCSAFLUSH, &quiet) != 0) return std::nullopt;
  std::fputs(prompt.c_str(), stderr);
  std::fflush(stderr);
  std::string line;
  bool ended = false;
  for (;;) {
    char c;
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ended = true;
      break;
    }
    if (c == '\n' || c == '\r') break;
    line += c;
  }
  ::tcsetattr(fd, TCSAFLUSH, &saved);
  if (ended && line.empty()) return std::nullopt;
  return line;
}

}  // namespace muxd::ftp
