#pragma once
// RawTerminal: puts a terminal in raw mode for as long as it lives, so the
// client sees each key as it is typed, and restores the old mode after.
#include <termios.h>

#include <cstddef>

namespace muxd::chat {

class RawTerminal {
 public:
  explicit RawTerminal(int fd);  // throws std::system_error when fd is no terminal
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

  size_t columns() const;  // the current width (it changes when the window does)

 private:
  int fd_;
  termios saved_{};
};

}  // namespace muxd::chat
