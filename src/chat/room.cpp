#include "chat/room.h"

#include <fmt/format.h>

#include <algorithm>

#include "chat/text.h"

namespace muxd::chat {
namespace {

std::string_view command_name(Command command) {
  switch (command) {
    case Command::login: return "LOGIN";
    case Command::chat: return "CHAT";
    case Command::exit: return "EXIT";
    case Command::ping: return "PING";
    case Command::who: return "WHO";
  }
  return "?";
}

}  // namespace

Room::Member::Member(std::string_view member_name, const SocketAddress& member_address,
                     const RoomLimits& limits, Clock::time_point now)
    : name(member_name),
      address(member_address),
      messages(limits.messages_per_second, limits.message_burst, now),
      last_heard(now) {}

Room::Room(const RoomLimits& limits, Clock::time_point now)
    : limits_(limits),
      logins_(limits.logins_per_second, limits.login_burst, now),
      logins_by_address_(limits.logins_per_address_per_second, limits.login_burst_per_address,
                         limits.remembered_addresses),
      drop_log_(limits.log_lines_per_second) {}

void Room::receive(std::string_view datagram, const SocketAddress& from, Clock::time_point now,
                   Outbox& out) {
  Member* member = find(from);
  if (member != nullptr) heard_from(*member, now);  // any datagram proves the address is alive
  Request request;
  const ParseError error = parse_request(datagram, request);
  if (error != ParseError::none) return refuse(error, datagram, from, member, now, out);
  switch (request.command) {
    case Command::login: return login(request.name, from, member, now, out);
    case Command::chat: return chat(request, from, member, now, out);
    case Command::exit: return leave(request, from, member, now, out);
    case Command::ping: return ping(request, from, member, now, out);
    case Command::who: return who(request, from, member, now, out);
  }
}

void Room::login(std::string_view name, const SocketAddress& from, Member* member, Clock::time_point now,
                 Outbox& out) {
  if (member != nullptr && member->name == name) {  // our OK was lost: repeat it
    if (allow_message(*member, now, out)) reply(from, std::string(kReplyOk), out);
    return;
  }
  if (!may_attempt_login(from, member, now, out)) return;
  if (const auto reason = login_refusal(name, from, member)) return reply(from, format_fail(*reason), out);
  // Another name from a member's address: the client restarted on the same
  // port, so its old session is over. (A refused LOGIN leaves it in place.)
  if (member != nullptr) remove(*member, "", out);
  admit(name, from, now, out);
}

bool Room::may_attempt_login(const SocketAddress& from, const Member* member, Clock::time_point now,
                             Outbox& out) {
  if (member == nullptr && !logins_by_address_.take(from, now)) {
    // One address retrying too fast: dropped without an answer, so that a
    // flood of LOGINs is not also a flood of FAILs.
    if (may_log_drop(now, out)) warn(out, fmt::format("LOGIN from {} dropped: too many attempts", from.to_string()));
    return false;
  }
  if (logins_.take(now)) return true;
  if (may_log_drop(now, out)) warn(out, fmt::format("LOGIN from {} refused: too many logins", from.to_string()));
  reply(from, format_fail("server busy, try again"), out);
  return false;
}

std::optional<std::string_view> Room::login_refusal(std::string_view name, const SocketAddress& from,
                                                    const Member* member) const {
  const NameProblem problem = check_name(name);
  if (problem != NameProblem::none) return describe(problem);
  const auto holder = address_by_name_.find(name_key(name));
  if (holder != address_by_name_.end() && !(holder->second == from)) return "name taken";
  if (member == nullptr && members_.size() >= limits_.max_members) return "room full";
  return std::nullopt;
}

void Room::admit(std::string_view name, const SocketAddress& from, Clock::time_point now, Outbox& out) {
  // The newcomer hears OK before anyone else hears about it, and never hears
  // its own arrival: the course's client reads the first datagram as the answer.
  reply(from, std::string(kReplyOk), out);
  fan_out(format_joined(name), nullptr, out);
  members_.try_emplace(from, name, from, limits_, now);
  address_by_name_.emplace(name_key(name), from);
  out.log.push_back({LogLevel::info, fmt::format("{} joined from {} ({} in the room)", name,
                                                 from.to_string(), members_.size())});
}

void Room::chat(const Request& request, const SocketAddress& from, Member* member, Clock::time_point now,
                Outbox& out) {
  if (!is_sender(request, from, member, now, out)) return;
  if (!allow_message(*member, now, out)) return;
  const std::string text = sanitize_text(request.text);
  if (text.empty()) return;  // nothing left to say
  fan_out(format_message(member->name, text), member, out);
}

void Room::leave(const Request& request, const SocketAddress& from, Member* member, Clock::time_point now,
                 Outbox& out) {
  if (is_sender(request, from, member, now, out)) remove(*member, "", out);
}

void Room::ping(const Request& request, const SocketAddress& from, Member* member, Clock::time_point now,
                Outbox& out) {
  if (!is_sender(request, from, member, now, out) || member->sends_keepalives) return;
  // From now on this member promised keep-alives, so silence means it is gone.
  member->sends_keepalives = true;
  member->keepalive_position = keepalive_order_.insert(keepalive_order_.end(), member);
}

void Room::who(const Request& request, const SocketAddress& from, Member* member, Clock::time_point now,
              Outbox& out) {
  if (!is_sender(request, from, member, now, out) || !allow_message(*member, now, out)) return;
  std::vector<std::string> names;
  names.reserve(members_.size());
  for (const auto& entry : members_) names.push_back(entry.second.name);
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) { return name_key(a) < name_key(b); });
  for (std::string& part : format_members(names)) reply(from, std::move(part), out);
}

void Room::refuse(ParseError error, std::string_view datagram, const SocketAddress& from, Member* member,
                  Clock::time_point now, Outbox& out) {
  if (may_log_drop(now, out))
    warn(out, fmt::format("dropped {} bytes from {}: {} ({})", datagram.size(), from.to_string(), describe(error),
                          printable(datagram, 40)));
  // A member deserves to know why its (too long) message went nowhere.
  if (error == ParseError::too_long && member != nullptr && allow_message(*member, now, out))
    reply(from,
          format_announcement(fmt::format("message refused: longer than {} bytes", kMaxRequestBytes)),
          out);
}

bool Room::is_sender(const Request& request, const SocketAddress& from, const Member* member,
                     Clock::time_point now, Outbox& out) {
  if (member != nullptr && member->name == request.name) return true;
  if (!may_log_drop(now, out)) return false;
  const std::string who = member == nullptr ? std::string("not logged in")
                                            : fmt::format("logged in as {}", member->name);
  warn(out, fmt::format("dropped {} from {} ({}) in the name of '{}'", command_name(request.command),
                        from.to_string(), who, printable(request.name)));
  return false;
}

bool Room::allow_message(Member& member, Clock::time_point now, Outbox& out) {
  if (member.messages.take(now)) {
    member.told_to_slow_down = false;
    return true;
  }
  if (!member.told_to_slow_down) {  // one notice per flood, not one per dropped message
    member.told_to_slow_down = true;
    reply(member.address,
          format_announcement(fmt::format("slow down: at most {} messages per second, some were dropped",
                                          limits_.messages_per_second)),
          out);
  }
  if (may_log_drop(now, out))
    warn(out, fmt::format("dropped a message from {} ({}): flood", member.name, member.address.to_string()));
  return false;
}

void Room::heard_from(Member& member, Clock::time_point now) {
  member.last_heard = now;
  if (member.sends_keepalives)
    keepalive_order_.splice(keepalive_order_.end(), keepalive_order_, member.keepalive_position);
}

void Room::expire(Clock::time_point now, Outbox& out) {
  while (!keepalive_order_.empty() && now - keepalive_order_.front()->last_heard >= limits_.keepalive_timeout)
    remove(*keepalive_order_.front(), "timed out", out);
}

void Room::unreachable(const SocketAddress& address, Outbox& out) {
  if (Member* member = find(address)) remove(*member, "unreachable", out);
}

void Room::announce(std::string_view text, Outbox& out) {
  const std::string clean = sanitize_text(text);
  if (clean.empty()) return;
  fan_out(format_announcement(clean), nullptr, out);
}

void Room::close(Outbox& out) { fan_out(format_announcement("the room is closing"), nullptr, out); }

std::optional<std::string> Room::name_at(const SocketAddress& address) const {
  auto it = members_.find(address);
  if (it == members_.end()) return std::nullopt;
  return it->second.name;
}

void Room::remove(Member& member, std::string_view reason, Outbox& out) {
  const std::string name = member.name;
  const SocketAddress address = member.address;
  if (member.sends_keepalives) keepalive_order_.erase(member.keepalive_position);
  address_by_name_.erase(name_key(name));
  members_.erase(address);  // `member` is gone from here on
  fan_out(format_left(name, reason), nullptr, out);
  out.log.push_back({LogLevel::info, fmt::format("{} left from {}{}{} ({} in the room)", name,
                                                 address.to_string(), reason.empty() ? "" : ": ",
                                                 reason, members_.size())});
}

Room::Member* Room::find(const SocketAddress& address) {
  auto it = members_.find(address);
  return it == members_.end() ? nullptr : &it->second;
}

void Room::fan_out(std::string payload, const Member* except, Outbox& out) const {
  Outgoing datagram{std::move(payload), {}};
  datagram.destinations.reserve(members_.size());
  for (const auto& [address, member] : members_)
    if (&member != except) datagram.destinations.push_back(address);
  if (!datagram.destinations.empty()) out.datagrams.push_back(std::move(datagram));
}

void Room::reply(const SocketAddress& to, std::string payload, Outbox& out) {
  out.datagrams.push_back({std::move(payload), {to}});
}

// Formatting a log line costs more than dropping a datagram: ask first.
bool Room::may_log_drop(Clock::time_point now, Outbox& out) {
  if (!drop_log_.allow(now)) return false;
  if (const size_t held_back = drop_log_.take_suppressed())
    warn(out, fmt::format("{} more dropped datagrams were not logged", held_back));
  return true;
}

void Room::warn(Outbox& out, std::string text) { out.log.push_back({LogLevel::warn, std::move(text)}); }

}  // namespace muxd::chat
