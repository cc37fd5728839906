#pragma once
// Console: where the chat client reads what the user types and shows what
// arrives. Two kinds: a terminal (raw mode, line editing, messages printed
// above the line being typed) and plain streams (stdin lines in, stdout lines
// out) for scripts and pipes.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chat/line_editor.h"
#include "chat/line_splitter.h"
#include "chat/presentation.h"
#include "chat/terminal.h"

namespace muxd::chat {

struct InputEvent {
  enum class Kind { line, end_of_input, interrupt };
  Kind kind;
  std::string text;  // for Kind::line
};

class Console {
 public:
  virtual ~Console() = default;

  int input_fd() const { return 0; }
  // Reads what stdin has now (call when it is readable; never blocks longer).
  virtual std::vector<InputEvent> read_input() = 0;
  virtual void set_prompt(std::string prompt) = 0;
  virtual void show(std::string_view line) = 0;    // a line from the server
  virtual void notice(std::string_view line) = 0;  // a line from the client itself
  virtual void close() = 0;                       // before leaving: tidy the screen

  // A terminal when stdin and stdout both are one, plain streams otherwise.
  // A terminal shows time stamps, and colours unless NO_COLOR or TERM=dumb says no.
  static std::unique_ptr<Console> open(size_t max_line_bytes);
};

class TerminalConsole : public Console {
 public:
  TerminalConsole(size_t max_line_bytes, Presentation style);

  std::vector<InputEvent> read_input() override;
  void set_prompt(std::string prompt) override;
  void show(std::string_view line) override;
  void notice(std::string_view line) override;
  void close() override;

 private:
  void write(std::string_view bytes);

  RawTerminal terminal_;
  LineEditor editor_;
  std::string prompt_;
  Presentation style_;
};

class StreamConsole : public Console {
 public:
  explicit StreamConsole(size_t max_line_bytes) : lines_(max_line_bytes) {}

  std::vector<InputEvent> read_input() override;
  void set_prompt(std::string) override {}
  void show(std::string_view line) override;
  void notice(std::string_view line) override;
  void close() override {}

 private:
  LineSplitter lines_;
  bool ended_ = false;
};

}  // namespace muxd::chat
