#pragma once
// The DICT command line (RFC 2229 §2.2, §3): words, quoting, and which
// command a line is. Pure functions over one line, no state, so that the
// fuzz target and the session share one definition of what a line means.
//
// §2.2: a command is a word followed by parameters separated by spaces or
// tabs; a parameter is an atom (printable, no space, quote or backslash), or
// a string in double or single quotes in which a backslash quotes the next
// character. A line is at most 1,024 octets with its CRLF (kMaxLineBytes);
// the session enforces that before parsing. Command words are not case
// sensitive; parameters are kept as sent.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dict/store.h"

namespace muxd::dict {

inline constexpr size_t kMaxLineBytes = 1024;  // RFC 2229 §2.2, CRLF included
inline constexpr size_t kMaxWordBytes = 256;   // longer words are refused with 501

enum class Verb {
  define,       // DEFINE database word
  match,        // MATCH database strategy word
  show_db,      // SHOW DB | SHOW DATABASES
  show_strat,   // SHOW STRAT | SHOW STRATEGIES
  show_info,    // SHOW INFO database
  show_server,  // SHOW SERVER
  client,       // CLIENT text
  status,       // STATUS
  help,         // HELP
  option_mime,  // OPTION MIME
  quit,         // QUIT
};

struct Command {
  Verb verb;
  std::string database;  // define, match, show_info
  std::string strategy;  // match, as sent ("." is the server's default)
  std::string word;      // define, match; the text for client
};

// A line that is not a command we carry out: the status line to answer.
struct CommandError {
  int code;             // 500, 501, 502 or 503
  std::string message;  // the rest of the status line
};

struct ParsedLine {
  bool ok = false;
  Command command{};
  CommandError error{};
};

// Splits a line (without its CRLF) into words per §2.2. False on a syntax
// error (an unterminated string, a control character, a quote inside an
// atom, invalid UTF-8).
bool split_words(std::string_view line, std::vector<std::string>& words);

// One command line, without its CRLF.
ParsedLine parse_command(std::string_view line);

// "exact", "prefix", ... (case-insensitive); "." is the default strategy
// (lev, as dictd). False for a strategy we do not have (551).
bool parse_strategy(std::string_view name, Strategy& strategy);
const char* strategy_name(Strategy strategy);

// `text` as a DICT string parameter or response field: double quotes, with
// `"` and `\` escaped by a backslash (the inverse of split_words).
std::string quote_string(std::string_view text);

}  // namespace muxd::dict
