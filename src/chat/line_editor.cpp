#include "chat/line_editor.h"

#include <fmt/format.h>

#include "chat/text.h"
#include "core/utf8.h"

namespace muxd::chat {
namespace {

constexpr char kCtrlA = 0x01;
constexpr char kCtrlC = 0x03;
constexpr char kCtrlD = 0x04;
constexpr char kCtrlE = 0x05;
constexpr char kBackspace = 0x08;
constexpr char kCtrlK = 0x0B;
constexpr char kCtrlU = 0x15;
constexpr char kCtrlW = 0x17;
constexpr char kEscape = 0x1B;
constexpr char kDelete = 0x7F;
constexpr size_t kMaxEscapeParams = 16;

// Rows below the first that the cursor sits on after writing `columns_used`
// columns from the left edge. A row filled exactly leaves the cursor at its
// end (terminals wrap only when the next character comes).
size_t rows_after(size_t columns_used, size_t columns) {
  if (columns == 0 || columns_used == 0) return 0;
  return (columns_used - 1) / columns;
}

bool is_continuation(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

size_t next_character_start(std::string_view text, size_t position) {
  if (position >= text.size()) return text.size();
  ++position;
  while (position < text.size() && is_continuation(text[position])) ++position;
  return position;
}

}  // namespace

LineEditor::Action LineEditor::feed(char byte) {
  const auto code = static_cast<unsigned char>(byte);
  if (escape_ != Escape::none) return feed_escape(code);
  switch (byte) {
    case '\r':
    case '\n': return Action::submit;
    case kCtrlC: return Action::interrupt;
    case kCtrlD: return line_.empty() ? Action::end_of_input : delete_forward();
    case kBackspace:
    case kDelete: return backspace();
    case kCtrlA: return move_to(0);
    case kCtrlE: return move_to(line_.size());
    case kCtrlW: return erase_word();
    case kCtrlK:
      line_.resize(cursor_);
      return Action::changed;
    case kCtrlU:
      line_.clear();
      cursor_ = 0;
      return Action::changed;
    case kEscape:
      escape_ = Escape::started;
      return Action::none;
    default: break;
  }
  if (code < 0x20) return Action::none;  // other control keys do nothing
  return insert(byte);
}

// ESC [ params final (CSI, ECMA-48 §5.4), ESC O x (SS3), or ESC x (ignored).
LineEditor::Action LineEditor::feed_escape(unsigned char byte) {
  if (escape_ == Escape::started) {
    escape_ = byte == '[' ? Escape::csi : byte == 'O' ? Escape::ss3 : Escape::none;
    escape_params_.clear();
    return Action::none;
  }
  if (escape_ == Escape::ss3) {
    escape_ = Escape::none;
    return escape_key(byte);
  }
  if (byte >= 0x40 && byte <= 0x7E) {  // the final byte
    escape_ = Escape::none;
    return escape_key(byte);
  }
  if (escape_params_.size() < kMaxEscapeParams) escape_params_ += static_cast<char>(byte);
  return Action::none;
}

LineEditor::Action LineEditor::escape_key(unsigned char final_byte) {
  // Modifiers ("1;5C" is Ctrl-→) are ignored: the key moves as the plain one.
  const std::string_view params = escape_params_;
  const std::string_view first = params.substr(0, params.find(';'));
  switch (final_byte) {
    case 'A': return recall(-1);
    case 'B': return recall(+1);
    case 'C': return move_to(next_character_start(line_, cursor_));
    case 'D': return move_to(cursor_ == 0 ? 0 : previous_character_start(line_, cursor_));
    case 'H': return move_to(0);
    case 'F': return move_to(line_.size());
    case '~':  // VT220 editing keys
      if (first == "1" || first == "7") return move_to(0);
      if (first == "4" || first == "8") return move_to(line_.size());
      if (first == "3") return delete_forward();
      return Action::none;
    default: return Action::none;
  }
}

LineEditor::Action LineEditor::insert(char byte) {
  if (line_.size() >= max_line_bytes_) return Action::refused;
  line_.insert(cursor_, 1, byte);
  ++cursor_;
  return Action::changed;
}

LineEditor::Action LineEditor::backspace() {
  if (cursor_ == 0) return Action::none;
  const size_t start = previous_character_start(line_, cursor_);
  line_.erase(start, cursor_ - start);
  cursor_ = start;
  return Action::changed;
}

LineEditor::Action LineEditor::delete_forward() {
  if (cursor_ >= line_.size()) return Action::none;
  line_.erase(cursor_, next_character_start(line_, cursor_) - cursor_);
  return Action::changed;
}

// Ctrl-W as in a shell: the spaces before the cursor, then the word before them.
LineEditor::Action LineEditor::erase_word() {
  size_t start = cursor_;
  while (start > 0 && line_[start - 1] == ' ') --start;
  while (start > 0 && line_[start - 1] != ' ') --start;
  if (start == cursor_) return Action::none;
  line_.erase(start, cursor_ - start);
  cursor_ = start;
  return Action::changed;
}

LineEditor::Action LineEditor::move_to(size_t position) {
  if (position == cursor_) return Action::none;
  cursor_ = position;
  return Action::changed;
}

LineEditor::Action LineEditor::recall(int step) {
  if (step < 0 && history_position_ == 0) return Action::none;
  if (step > 0 && history_position_ >= history_.size()) return Action::none;
  if (history_position_ == history_.size()) draft_ = line_;
  history_position_ = step < 0 ? history_position_ - 1 : history_position_ + 1;
  line_ = history_position_ == history_.size() ? draft_ : history_[history_position_];
  cursor_ = line_.size();
  return Action::changed;
}

std::string LineEditor::take_line() {
  std::string line = std::move(line_);
  line_.clear();
  cursor_ = 0;
  draft_.clear();
  if (!line.empty() && (history_.empty() || history_.back() != line)) {
    if (history_.size() == kHistoryLines) history_.erase(history_.begin());
    history_.push_back(line);
  }
  history_position_ = history_.size();
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
  const size_t end = display_width(prompt) + display_width(line_);
  cursor_row_ = rows_after(end, columns);
  if (cursor_ < line_.size() && columns > 0) {
    // Back from the end of the line to the cursor: to the start of its row, then right.
    const size_t at = display_width(prompt) + display_width(std::string_view(line_).substr(0, cursor_));
    const size_t row = at / columns, column = at % columns;
    out += '\r';
    if (cursor_row_ > row) out += fmt::format("\x1b[{}A", cursor_row_ - row);
    if (column > 0) out += fmt::format("\x1b[{}C", column);
    cursor_row_ = row;
  }
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
