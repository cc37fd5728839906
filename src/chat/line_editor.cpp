#include "chat/line_editor.h"

#include <fmt/format.h>

#include "chat/text.h"
#include "core/utf8.h"

namespace muxd::chat {
namespace {

constexpr char kCtrlC = 0x03;
constexpr char kCtrlD = 0x04;
constexpr char kBackspace = 0x08;
constexpr char kCtrlU = 0x15;
constexpr char kEscape = 0x1B;
constexpr char kDelete = 0x7F;

// Rows below the first that the cursor sits on after writing `columns_used`
// columns from the left edge. A row filled exactly leaves the cursor at its
// end (terminals wrap only when the next character comes).
size_t rows_after(size_t columns_used, size_t columns) {
  if (columns == 0 || columns_used == 0) return 0;
  return (columns_used - 1) / columns;
}

}  // namespace

LineEditor::Action LineEditor::feed(char byte) {
  const auto code = static_cast<unsigned char>(byte);
  if (escape_ != Escape::none) return feed_escape(code);
  switch (byte) {
    case '\r':
    case '\n': return Action::submit;
    case kCtrlC: return Action::interrupt;
    case kCtrlD: return line_.empty() ? Action::end_of_input : Action::none;
    case kBackspace:
    case kDelete: return backspace();
    case kCtrlU:
      line_.clear();
      return Action::changed;
    case kEscape:
      escape_ = Escape::started;
      return Action::none;
    default: break;
  }
  if (code < 0x20) return Action::none;  // other control keys do nothing
  if (line_.size() >= max_line_bytes_) return Action::refused;
  line_ += byte;
  return Action::changed;
}

// Swallows escape sequences: ESC [ params final (CSI), ESC O x (SS3), ESC x.
LineEditor::Action LineEditor::feed_escape(unsigned char byte) {
  if (escape_ == Escape::started) {
    escape_ = (byte == '[' || byte == 'O') ? Escape::sequence : Escape::none;
    return Action::none;
  }
  if (byte >= 0x40 && byte <= 0x7E) escape_ = Escape::none;  // the final byte
  return Action::none;
}

LineEditor::Action LineEditor::backspace() {
  if (line_.empty()) return Action::none;
  line_.resize(previous_character_start(line_, line_.size()));
  return Action::changed;
}

std::string LineEditor::take_line() {
  std::string line = std::move(line_);
  line_.clear();
  return line;
}

std::string LineEditor::erase() {
  // Back to the first input row, then clear to the end of the screen.
  std::string out = "\r";
  if (cursor_row_ > 0) out += fmt::format("\x1b[{}A", cursor_row_);
  out += "\x1b[J";
  cursor_row_ = 0;
  return out;
}

std::string LineEditor::redraw(std::string_view prompt, size_t columns) {
  std::string out = erase();
  out.append(prompt).append(line_);
  cursor_row_ = rows_after(display_width(prompt) + display_width(line_), columns);
  return out;
}

std::string LineEditor::print_above(std::string_view message, std::string_view prompt, size_t columns) {
  std::string out = erase();
  out.append(message).append("\r\n");
  return out + redraw(prompt, columns);
}

std::string LineEditor::commit(std::string_view prompt, std::string_view committed, size_t columns) {
  std::string out = erase();
  out.append(prompt).append(committed).append("\r\n");
  return out + redraw(prompt, columns);
}

}  // namespace muxd::chat
