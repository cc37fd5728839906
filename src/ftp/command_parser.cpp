#include "ftp/command_parser.h"

namespace muxd::ftp {
namespace {

bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::optional<Command> parse_command(std::string_view line) {
  size_t verb_end = line.find(' ');
  std::string_view verb = line.substr(0, verb_end);
  if (verb.empty() || verb.size() > kMaxVerbLength) return std::nullopt;
  Command command;
  for (char c : verb) {
    if (!is_letter(c)) return std::nullopt;
    command.verb.push_back(to_upper(c));
  }
  if (verb_end != std::string_view::npos) command.argument = line.substr(verb_end + 1);
  return command;
}

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_upper(c);
  return out;
}

}  // namespace muxd::ftp
