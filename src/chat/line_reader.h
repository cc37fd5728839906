#pragma once
// LineReader: the lines of a descriptor such as stdin, read on an event loop.
//
// Input that cannot be watched (a regular file, /dev/null), its end (EOF,
// Ctrl-D) and read errors (EIO for a background process on a terminal, with
// SIGTTIN ignored) end the reading, never the program.
#include <functional>
#include <string_view>

#include "chat/line_splitter.h"
#include "core/event_loop.h"

namespace muxd::chat {

class LineReader : public Watcher {
 public:
  using LineHandler = std::function<void(std::string_view line)>;

  LineReader(EventLoop& loop, int fd, size_t max_line_bytes, LineHandler on_line);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool active() const { return active_; }
  void handle_events(uint32_t events) override;

 private:
  void stop();

  EventLoop& loop_;
  int fd_;
  bool active_ = false;
  LineSplitter lines_;
  LineHandler on_line_;
};

}  // namespace muxd::chat
