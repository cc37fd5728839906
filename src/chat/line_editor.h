#pragma once
// LineEditor: the line being typed in the interactive client, and what to write
// to the terminal so that incoming messages appear above it without garbling
// it. Sans-IO: bytes typed go in, terminal output comes back as strings.
//
// The terminal is in raw mode: the editor sees every byte. Keys, as in
// readline/emacs: Enter submits; Backspace and Delete (ESC [ 3 ~) erase a
// character before / under the cursor; ← → (ESC [ D / C, or ESC O D / C) move
// by a character; Home/End (ESC [ H / F, ESC [ 1~ 7~ / 4~ 8~, ESC O H / F) and
// Ctrl-A/Ctrl-E go to the ends; Ctrl-W erases the word before the cursor,
// Ctrl-U the whole line, Ctrl-K to its end; ↑ ↓ walk the history of submitted
// lines (the line being typed is kept as the newest entry); Ctrl-C
// interrupts; Ctrl-D ends input on an empty line. Other controls and escape
// sequences are ignored.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace muxd::chat {

class LineEditor {
 public:
  enum class Action { none, changed, submit, end_of_input, interrupt, refused };
  static constexpr size_t kHistoryLines = 100;

  explicit LineEditor(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  Action feed(char byte);
  const std::string& line() const { return line_; }
  size_t cursor() const { return cursor_; }  // a byte offset into line()
  std::string take_line();  // after Action::submit; a non-empty line joins the history

  // Terminal output, for a terminal `columns` wide.
  std::string redraw(std::string_view prompt, size_t columns);
  std::string print_above(std::string_view message, std::string_view prompt, size_t columns);
  // Leaves prompt and line on screen as history and starts a fresh row.
  std::string commit(std::string_view prompt, std::string_view committed, size_t columns);
  // Clears the input rows (before leaving).
  std::string erase();

 private:
  enum class Escape { none, started, csi, ss3 };
  Action feed_escape(unsigned char byte);
  Action escape_key(unsigned char final_byte);
  Action insert(char byte);
  Action backspace();
  Action delete_forward();
  Action erase_word();
  Action move_to(size_t position);
  Action recall(int step);

  size_t max_line_bytes_;
  std::string line_;
  size_t cursor_ = 0;
  Escape escape_ = Escape::none;
  std::string escape_params_;
  std::vector<std::string> history_;
  size_t history_position_ = 0;  // == history_.size(): the line being typed
  std::string draft_;            // the line being typed, while browsing the history
  size_t cursor_row_ = 0;        // rows between the first input row and the cursor
};

}  // namespace muxd::chat
