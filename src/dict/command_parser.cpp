#include "dict/command_parser.h"

#include <array>
#include <cctype>
#include <utility>

#include "core/utf8.h"

namespace muxd::dict {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

ParsedLine fail(int code, std::string message) {
  ParsedLine parsed;
  parsed.error = CommandError{code, std::move(message)};
  return parsed;
}

ParsedLine succeed(Command command) {
  ParsedLine parsed;
  parsed.ok = true;
  parsed.command = std::move(command);
  return parsed;
}

const char* const kSyntax = "Syntax error, illegal parameters";

// A quoted string from `pos` (at the opening quote) to its closing quote.
bool read_string(std::string_view line, size_t& pos, std::string& word) {
  const char quote = line[pos++];
  while (pos < line.size()) {
    char c = line[pos++];
    if (c == quote) return true;
    if (c == '\\') {
      if (pos == line.size()) return false;
      c = line[pos++];
    }
    if (is_control(static_cast<unsigned char>(c)) && c != '\t') return false;
    word.push_back(c);
  }
  return false;  // unterminated
}

bool read_atom(std::string_view line, size_t& pos, std::string& word) {
  while (pos < line.size() && !is_space(line[pos])) {
    char c = line[pos++];
    if (c == '"' || c == '\'' || c == '\\' || is_control(static_cast<unsigned char>(c))) return false;
    word.push_back(c);
  }
  return true;
}

struct StrategyName {
  const char* name;
  Strategy strategy;
};
constexpr std::array<StrategyName, 6> kStrategies{{{"exact", Strategy::exact},
                                                   {"prefix", Strategy::prefix},
                                                   {"substring", Strategy::substring},
                                                   {"suffix", Strategy::suffix},
                                                   {"lev", Strategy::lev},
                                                   {"soundex", Strategy::soundex}}};

ParsedLine parse_show(const std::vector<std::string>& words) {
  if (words.size() < 2) return fail(501, kSyntax);
  std::string what = lower(words[1]);
  if ((what == "db" || what == "databases") && words.size() == 2) return succeed({Verb::show_db, {}, {}, {}});
  if ((what == "strat" || what == "strategies") && words.size() == 2) return succeed({Verb::show_strat, {}, {}, {}});
  if (what == "server" && words.size() == 2) return succeed({Verb::show_server, {}, {}, {}});
  if (what == "info" && words.size() == 3) return succeed({Verb::show_info, words[2], {}, {}});
  return fail(501, kSyntax);
}

}  // namespace

bool split_words(std::string_view line, std::vector<std::string>& words) {
  words.clear();
  if (!is_valid_utf8(line)) return false;
  size_t pos = 0;
  for (;;) {
    while (pos < line.size() && is_space(line[pos])) ++pos;
    if (pos == line.size()) return true;
    std::string& word = words.emplace_back();
    bool ok = line[pos] == '"' || line[pos] == '\'' ? read_string(line, pos, word) : read_atom(line, pos, word);
    if (!ok) return false;
    if (pos < line.size() && !is_space(line[pos])) return false;  // "a"b: a string must end a parameter
  }
}

ParsedLine parse_command(std::string_view line) {
  std::vector<std::string> words;
  if (!split_words(line, words)) {
    // Which is wrong, the command word or a parameter? Take the first word as an atom to tell.
    size_t start = 0;
    while (start < line.size() && is_space(line[start])) ++start;
    std::string first;
    size_t pos = start;
    bool command_ok = pos < line.size() && read_atom(line, pos, first) && is_valid_utf8(first);
    if (!command_ok) return fail(500, "Syntax error, command not recognized");
    std::string verb = lower(first);
    for (const char* known : {"define", "match", "show", "client", "status", "help", "quit", "option", "auth",
                              "saslauth", "saslresp"})
      if (verb == known) return fail(501, kSyntax);
    return fail(500, "Syntax error, command not recognized");
  }
  if (words.empty()) return fail(500, "Syntax error, command not recognized");
  std::string verb = lower(words[0]);
  size_t params = words.size() - 1;
  if (verb == "define") {
    if (params != 2) return fail(501, kSyntax);
    if (words[2].size() > kMaxWordBytes) return fail(501, "Syntax error, illegal parameters (word too long)");
    return succeed({Verb::define, words[1], {}, words[2]});
  }
  if (verb == "match") {
    if (params != 3) return fail(501, kSyntax);
    if (words[3].size() > kMaxWordBytes) return fail(501, "Syntax error, illegal parameters (word too long)");
    return succeed({Verb::match, words[1], words[2], words[3]});
  }
  if (verb == "show") return parse_show(words);
  if (verb == "client") {
    if (params == 0) return fail(501, kSyntax);
    std::string text = words[1];
    for (size_t i = 2; i < words.size(); ++i) text += " " + words[i];
    return succeed({Verb::client, {}, {}, text});
  }
  if (verb == "option") {
    if (params != 1) return fail(501, kSyntax);
    if (lower(words[1]) == "mime") return succeed({Verb::option_mime, {}, {}, {}});
    return fail(503, "Command parameter not implemented");
  }
  if (verb == "status" || verb == "help" || verb == "quit") {
    if (params != 0) return fail(501, kSyntax);
    Verb simple = verb == "status" ? Verb::status : verb == "help" ? Verb::help : Verb::quit;
    return succeed({simple, {}, {}, {}});
  }
  if (verb == "auth" || verb == "saslauth" || verb == "saslresp") return fail(502, "Command not implemented");
  return fail(500, "Syntax error, command not recognized");
}

bool parse_strategy(std::string_view name, Strategy& strategy) {
  if (name == ".") {
    strategy = Strategy::lev;  // the server's default (§3.3), dictd's choice
    return true;
  }
  std::string wanted = lower(name);
  for (const StrategyName& known : kStrategies) {
    if (wanted == known.name) {
      strategy = known.strategy;
      return true;
    }
  }
  return false;
}

const char* strategy_name(Strategy strategy) {
  for (const StrategyName& known : kStrategies)
    if (known.strategy == strategy) return known.name;
  return "?";
}

std::string quote_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace muxd::dict
