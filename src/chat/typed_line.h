#pragma once
// What a line typed into `muxd chat-client` means. Lines starting with "/" are
// commands for the client (IRC's convention):
//   /who          who is in the room (WHO, muxd's protocol addition)
//   /me ACTION    an action: sent as the message "/me ACTION", which muxd's
//                 client shows as "* NAME ACTION" (the course's client shows
//                 the message as it is)
//   /help         the commands and keys, shown locally
//   /quit         leave (as the course's "exit" does)
//   //TEXT        the message "/TEXT" (a line that must start with "/")
//   /anything     not sent: a local line says it is no command
// Any other line is a message; "exit" alone leaves, as in the course.
#include <string>
#include <string_view>

namespace muxd::chat {

struct TypedLine {
  enum class Kind { empty, message, action, who, help, leave, unknown };
  Kind kind = Kind::empty;
  std::string text;  // message: the text; action: the action; unknown: the command word
};

TypedLine interpret_typed_line(std::string_view line);

// The prefix of an action in a message's text.
inline constexpr std::string_view kActionPrefix = "/me ";

// What /help shows, one line per entry.
std::string_view help_text();

}  // namespace muxd::chat
