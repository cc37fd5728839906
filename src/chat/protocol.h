#pragma once
// The course's chat datagrams (004 §2.2.5), one UTF-8 text command per datagram:
//   client -> server   LOGIN name | CHAT name text | EXIT name | PING name (muxd's keep-alive)
//                      | WHO name (muxd's addition: who is in the room; answered to members only)
//   server -> client   OK | FAIL reason | plain text lines (notices, messages, announcements)
//                      | MEMBERS count name name ... (the answer to WHO, in as many datagrams as it takes)
// The course's client never sends PING or WHO, so it never sees MEMBERS: what it
// sends and receives is unchanged byte for byte.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace muxd::chat {

// Datagrams longer than this are refused whole (the receive buffer is one byte
// larger, so a longer one is seen as too long rather than silently cut).
inline constexpr size_t kMaxRequestBytes = 2048;
// Nothing larger is ever sent: 1,280 bytes is the IPv6 minimum MTU (RFC 8200
// §5); minus 48 bytes of IPv6 + UDP headers, 1,200 leaves a margin so that
// fan-out never relies on IP fragmentation (RFC 8085 §3.2).
inline constexpr size_t kMaxOutgoingBytes = 1200;
inline constexpr size_t kMaxNameBytes = 32;
// Announcements from the server's operator appear under this reserved name.
inline constexpr std::string_view kOperatorName = "admin";

enum class Command { login, chat, exit, ping, who };

struct Request {
  Command command = Command::login;
  std::string_view name;  // as sent; LOGIN checks it with check_name()
  std::string_view text;  // CHAT only, raw bytes: sanitise before fan-out
};

enum class ParseError { none, empty, too_long, unknown_command, missing_name };

// Never trusts `datagram`: any bytes give a request or an error. One trailing
// "\n" or "\r\n" is ignored (netcat and friends send one).
ParseError parse_request(std::string_view datagram, Request& request);
std::string_view describe(ParseError error);

enum class NameProblem { none, empty, too_long, invalid_utf8, forbidden_character, reserved };

NameProblem check_name(std::string_view name);
std::string_view describe(NameProblem problem);
// Names are unique without regard to ASCII case, so "Bob" cannot pose as "bob".
std::string name_key(std::string_view name);

// Server -> client lines, each at most kMaxOutgoingBytes. `text` must already
// be sanitised; names must have passed check_name().
std::string format_message(std::string_view name, std::string_view text);
std::string format_announcement(std::string_view text);
std::string format_joined(std::string_view name);
std::string format_left(std::string_view name, std::string_view reason = {});
std::string format_fail(std::string_view reason);
// The answer to WHO: "MEMBERS <count> <name> <name> ...", the names sorted as
// given and split over as many datagrams as kMaxOutgoingBytes needs, each
// repeating the count (names have no spaces: check_name() forbids them).
inline constexpr std::string_view kMembersPrefix = "MEMBERS ";
std::vector<std::string> format_members(const std::vector<std::string>& names);
// A MEMBERS datagram back into the count and its names; nullopt for any other line.
struct MembersPart {
  size_t count = 0;
  std::vector<std::string> names;
};
std::optional<MembersPart> parse_members(std::string_view datagram);
inline constexpr std::string_view kReplyOk = "OK";

// Client -> server requests.
std::string login_request(std::string_view name);
std::string chat_request(std::string_view name, std::string_view text);
std::string exit_request(std::string_view name);
std::string ping_request(std::string_view name);
std::string who_request(std::string_view name);

}  // namespace muxd::chat
