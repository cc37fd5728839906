#pragma once
// A command line split into its verb and argument (RFC 959 §5.3.1:
// `<verb> SP <argument>`; verbs are case-insensitive).
#include <optional>
#include <string>
#include <string_view>

namespace muxd::ftp {

inline constexpr size_t kMaxVerbLength = 16;

struct Command {
  std::string verb;      // upper case: "RETR"
  std::string argument;  // everything after the first space, verbatim
};

// nullopt when the line is no command at all (500): empty, or a verb that is
// not 1..kMaxVerbLength ASCII letters followed by the end or a space. A verb
// that is well formed but unknown is for the caller to answer (502). The
// argument keeps inner and trailing spaces: file names may contain them.
std::optional<Command> parse_command(std::string_view line);

// ASCII upper case (RFC 959 §5.3: commands and type codes are case-insensitive).
std::string ascii_upper(std::string_view text);

}  // namespace muxd::ftp
