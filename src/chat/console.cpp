#include "chat/console.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <string>

namespace muxd::chat {
namespace {

// Whole writes even when the terminal or pipe takes them in pieces.
void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the reader is gone: nothing sensible to do
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// One read(2) of what is waiting; 0 at end of input, -1 on error.
ssize_t read_some(std::string& into) {
  char buffer[4096];
  ssize_t n;
  do n = ::read(STDIN_FILENO, buffer, sizeof(buffer));
  while (n < 0 && errno == EINTR);
  if (n > 0) into.assign(buffer, static_cast<size_t>(n));
  return n;
}

}  // namespace

std::unique_ptr<Console> Console::open(size_t max_line_bytes) {
  if (::isatty(STDIN_FILENO) && ::isatty(STDOUT_FILENO)) {
    Presentation style;
    style.colour = colour_wanted(true, std::getenv("NO_COLOR"), std::getenv("TERM"));
    return std::make_unique<TerminalConsole>(max_line_bytes, style);
  }
  return std::make_unique<StreamConsole>(max_line_bytes);
}

TerminalConsole::TerminalConsole(size_t max_line_bytes, Presentation style)
    : terminal_(STDIN_FILENO), editor_(max_line_bytes), style_(style) {}

std::vector<InputEvent> TerminalConsole::read_input() {
  std::string bytes;
  if (read_some(bytes) <= 0) return {{InputEvent::Kind::end_of_input, {}}};
  std::vector<InputEvent> events;
  for (char byte : bytes) {
    switch (editor_.feed(byte)) {
      case LineEditor::Action::changed: write(editor_.redraw(prompt_, terminal_.columns())); break;
      case LineEditor::Action::refused: write("\a"); break;
      case LineEditor::Action::submit: {
        std::string line = editor_.take_line();
        write(editor_.commit(prompt_, line, terminal_.columns()));
        events.push_back({InputEvent::Kind::line, std::move(line)});
        break;
      }
      case LineEditor::Action::end_of_input: events.push_back({InputEvent::Kind::end_of_input, {}}); break;
      case LineEditor::Action::interrupt: events.push_back({InputEvent::Kind::interrupt, {}}); break;
      case LineEditor::Action::none: break;
    }
  }
  return events;
}

void TerminalConsole::set_prompt(std::string prompt) {
  prompt_ = std::move(prompt);
  write(editor_.redraw(prompt_, terminal_.columns()));
}

void TerminalConsole::show(std::string_view line) {
  const std::string shown = present_line(line, style_, clock_text(std::time(nullptr)));
  write(editor_.print_above(shown, prompt_, terminal_.columns()));
}

void TerminalConsole::notice(std::string_view line) { write(editor_.print_above(line, prompt_, terminal_.columns())); }

void TerminalConsole::close() { write(editor_.erase()); }

void TerminalConsole::write(std::string_view bytes) { write_all(STDOUT_FILENO, bytes); }

std::vector<InputEvent> StreamConsole::read_input() {
  std::string bytes;
  const ssize_t n = ended_ ? 0 : read_some(bytes);
  std::vector<InputEvent> events;
  if (n > 0) lines_.append(bytes);
  while (auto line = lines_.next_line()) events.push_back({InputEvent::Kind::line, std::move(*line)});
  if (n <= 0) {
    ended_ = true;
    if (auto rest = lines_.rest()) events.push_back({InputEvent::Kind::line, std::move(*rest)});
    events.push_back({InputEvent::Kind::end_of_input, {}});
  }
  return events;
}

void StreamConsole::show(std::string_view line) {
  std::string out(line);
  out += '\n';
  write_all(STDOUT_FILENO, out);
}

void StreamConsole::notice(std::string_view line) {
  std::string out(line);
  out += '\n';
  write_all(STDERR_FILENO, out);
}

}  // namespace muxd::chat
