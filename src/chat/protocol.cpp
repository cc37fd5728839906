#include "chat/protocol.h"

#include "chat/text.h"
#include "core/utf8.h"

namespace muxd::chat {
namespace {

std::string_view strip_line_end(std::string_view datagram) {
  if (datagram.ends_with('\n')) datagram.remove_suffix(1);
  if (datagram.ends_with('\r')) datagram.remove_suffix(1);
  return datagram;
}

bool parse_command(std::string_view verb, Command& command) {
  if (verb == "LOGIN") command = Command::login;
  else if (verb == "CHAT") command = Command::chat;
  else if (verb == "EXIT") command = Command::exit;
  else if (verb == "PING") command = Command::ping;
  else if (verb == "WHO") command = Command::who;
  else return false;
  return true;
}

// Spaces and invisible characters: a name made of them, or padded with them,
// would look like another member's name (or like no name at all).
bool is_space_or_invisible(char32_t cp) {
  return cp == 0x20 || cp == 0xA0 || cp == 0xAD || cp == 0x1680 || cp == 0x180E ||
         (cp >= 0x2000 && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202F) ||
         (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0xFEFF;
}

bool has_forbidden_character(std::string_view name) {
  while (!name.empty()) {
    const Utf8Char c = decode_utf8(name);
    if (is_control_character(c.code_point) || is_space_or_invisible(c.code_point)) return true;
    name.remove_prefix(c.length);
  }
  return false;
}

// The course reserves "管理" ("admin") so nobody can pose as the operator.
bool is_reserved(std::string_view name) {
  return name_key(name) == kOperatorName || name.find("管理") != std::string_view::npos;
}

std::string join(std::string_view a, std::string_view b, std::string_view c = {}) {
  std::string line;
  line.reserve(a.size() + b.size() + c.size());
  line.append(a).append(b).append(c);
  return line;
}

std::string capped(std::string line) {
  line.resize(cut_utf8(line, kMaxOutgoingBytes).size());
  return line;
}

}  // namespace

ParseError parse_request(std::string_view datagram, Request& request) {
  request = Request{};
  if (datagram.size() > kMaxRequestBytes) return ParseError::too_long;
  datagram = strip_line_end(datagram);
  if (datagram.empty()) return ParseError::empty;
  const size_t space = datagram.find(' ');
  if (!parse_command(datagram.substr(0, space), request.command)) return ParseError::unknown_command;
  const std::string_view rest = space == std::string_view::npos ? "" : datagram.substr(space + 1);
  if (request.command == Command::chat) {
    // As in the course: "CHAT name text", the text being everything after the
    // second space (it may itself contain spaces, or be empty).
    const size_t name_end = rest.find(' ');
    request.name = rest.substr(0, name_end);
    if (name_end != std::string_view::npos) request.text = rest.substr(name_end + 1);
  } else {
    request.name = rest;
  }
  // An empty LOGIN name is answered with FAIL by check_name(), not dropped,
  // so that a client waiting for the answer is not left hanging.
  if (request.name.empty() && request.command != Command::login) return ParseError::missing_name;
  return ParseError::none;
}

std::string_view describe(ParseError error) {
  switch (error) {
    case ParseError::none: return "ok";
    case ParseError::empty: return "empty datagram";
    case ParseError::too_long: return "datagram too long";
    case ParseError::unknown_command: return "unknown command";
    case ParseError::missing_name: return "missing name";
  }
  return "?";
}

NameProblem check_name(std::string_view name) {
  if (name.empty()) return NameProblem::empty;
  if (name.size() > kMaxNameBytes) return NameProblem::too_long;
  if (!is_valid_utf8(name)) return NameProblem::invalid_utf8;
  if (has_forbidden_character(name)) return NameProblem::forbidden_character;
  if (is_reserved(name)) return NameProblem::reserved;
  return NameProblem::none;
}

std::string_view describe(NameProblem problem) {
  switch (problem) {
    case NameProblem::none: return "ok";
    case NameProblem::empty: return "name is empty";
    case NameProblem::too_long: return "name is longer than 32 bytes";
    case NameProblem::invalid_utf8: return "name is not valid UTF-8";
    case NameProblem::forbidden_character: return "name contains a space or control character";
    case NameProblem::reserved: return "name is reserved";
  }
  return "?";
}

std::string name_key(std::string_view name) {
  std::string key(name);
  for (char& c : key)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return key;
}

std::string format_message(std::string_view name, std::string_view text) {
  return capped(join(name, " : ", text));
}

std::string format_announcement(std::string_view text) { return format_message(kOperatorName, text); }

std::string format_joined(std::string_view name) { return join(name, " joined the room"); }

std::string format_left(std::string_view name, std::string_view reason) {
  if (reason.empty()) return join(name, " left the room");
  return join(name, " left the room (", reason) + ")";
}

std::string format_fail(std::string_view reason) { return capped(join("FAIL ", reason)); }

std::vector<std::string> format_members(const std::vector<std::string>& names) {
  const std::string head = join(kMembersPrefix, std::to_string(names.size()));
  std::vector<std::string> parts;
  std::string part = head;
  for (const std::string& name : names) {
    if (part.size() + 1 + name.size() > kMaxOutgoingBytes && part.size() > head.size()) {
      parts.push_back(std::move(part));
      part = head;
    }
    part.append(" ").append(name);
  }
  parts.push_back(std::move(part));
  return parts;
}

std::optional<MembersPart> parse_members(std::string_view datagram) {
  if (!datagram.starts_with(kMembersPrefix)) return std::nullopt;
  datagram.remove_prefix(kMembersPrefix.size());
  MembersPart part;
  const size_t space = datagram.find(' ');
  const std::string_view count = datagram.substr(0, space);
  if (count.empty() || count.size() > 9 || count.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;  // "MEMBERS : hi" is a member called MEMBERS talking
  part.count = std::stoul(std::string(count));
  std::string_view rest = space == std::string_view::npos ? "" : datagram.substr(space + 1);
  while (!rest.empty()) {
    const size_t end = rest.find(' ');
    if (end != 0) part.names.emplace_back(rest.substr(0, end));
    rest = end == std::string_view::npos ? "" : rest.substr(end + 1);
  }
  return part;
}

std::string login_request(std::string_view name) { return join("LOGIN ", name); }
std::string chat_request(std::string_view name, std::string_view text) {
  return join("CHAT ", name, " ").append(text);
}
std::string exit_request(std::string_view name) { return join("EXIT ", name); }
std::string ping_request(std::string_view name) { return join("PING ", name); }
std::string who_request(std::string_view name) { return join("WHO ", name); }

}  // namespace muxd::chat
