#include "chat/typed_line.h"

namespace muxd::chat {
namespace {

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

TypedLine interpret_typed_line(std::string_view line) {
  if (line.empty()) return {};
  if (line == "exit") return {TypedLine::Kind::leave, {}};  // the course's word
  if (!line.starts_with('/')) return {TypedLine::Kind::message, std::string(line)};
  if (line.starts_with("//")) return {TypedLine::Kind::message, std::string(line.substr(1))};
  const std::string_view command = trim_end(line);
  if (line.starts_with(kActionPrefix) && !trim_end(line.substr(kActionPrefix.size())).empty())
    return {TypedLine::Kind::action, std::string(line.substr(kActionPrefix.size()))};
  if (command == "/who") return {TypedLine::Kind::who, {}};
  if (command == "/help" || command == "/?") return {TypedLine::Kind::help, {}};
  if (command == "/quit" || command == "/exit") return {TypedLine::Kind::leave, {}};
  return {TypedLine::Kind::unknown, std::string(command.substr(0, command.find(' ')))};
}

std::string_view help_text() {
  return "commands: /who (who is here), /me ACTION, /help, /quit (or exit, Ctrl-D); "
         "//TEXT sends /TEXT\n"
         "keys: Left/Right, Home/End, Ctrl-A/Ctrl-E move; Backspace, Delete, Ctrl-W (word), "
         "Ctrl-U (line), Ctrl-K (to end) erase; Up/Down recall sent lines";
}

}  // namespace muxd::chat
