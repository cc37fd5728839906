#pragma once
// LineEditor: the line being typed in the interactive client, and what to write
// to the terminal so that incoming messages appear above it without garbling
// it. Sans-IO: bytes typed go in, terminal output comes back as strings.
//
// The terminal is in raw mode: the editor sees every byte, including Enter,
// Backspace, Ctrl-C, Ctrl-D and escape sequences (arrow keys, ignored).
#include <cstddef>
#include <string>
#include <string_view>

namespace muxd::chat {

class LineEditor {
 public:
  enum class Action { none, changed, submit, end_of_input, interrupt, refused };

  explicit LineEditor(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  Action feed(char byte);
  const std::string& line() const { return line_; }
  std::string take_line();  // after Action::submit

  // Terminal output, for a terminal `columns` wide.
  std::string redraw(std::string_view prompt, size_t columns);
  std::string print_above(std::string_view message, std::string_view prompt, size_t columns);
  // Leaves prompt and line on screen as history and starts a fresh row.
  std::string commit(std::string_view prompt, std::string_view committed, size_t columns);
  // Clears the input rows (before leaving).
  std::string erase();

 private:
  enum class Escape { none, started, sequence };
  Action feed_escape(unsigned char byte);
  Action backspace();

  size_t max_line_bytes_;
  std::string line_;
  Escape escape_ = Escape::none;
  size_t cursor_row_ = 0;  // rows between the first input row and the cursor
};

}  // namespace muxd::chat
