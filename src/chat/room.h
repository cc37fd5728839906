#pragma once
// Room: the chat room's rules with no IO at all ("sans-IO"). Datagrams and the
// addresses they came from go in; datagrams with the addresses they must go to,
// and log lines, come out. The IO driver (ChatServer) owns the socket and time.
//
// What the room enforces, beyond the course's protocol:
//  - a name is bound to the address that logged in with it: CHAT, EXIT and PING
//    must come from that address and name that member, or they are dropped;
//  - names are unique (ignoring ASCII case), checked by check_name(), and the
//    room holds at most RoomLimits::max_members;
//  - per-member flood control (a token bucket), with one notice per flood;
//  - newcomers share one token bucket, so a LOGIN flood cannot make the room
//    fan out join notices without bound, and each newcomer address has its
//    own, so that one address cannot use up everybody's share;
//  - text is sanitised (valid UTF-8, no control characters) and every datagram
//    sent is at most kMaxOutgoingBytes;
//  - members that announced keep-alives (PING) and then fell silent time out;
//    members whose address became unreachable are removed;
//  - WHO (muxd's addition) is answered to members only, and costs a message
//    from their flood allowance, so it cannot be used to amplify traffic.
#include <chrono>
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "chat/log_throttle.h"
#include "chat/protocol.h"
#include "core/address.h"
#include "core/address_buckets.h"
#include "core/datagram_io.h"
#include "core/log.h"
#include "core/token_bucket.h"

namespace muxd::chat {

using Clock = std::chrono::steady_clock;

struct RoomLimits {
  size_t max_members = 1000;
  double messages_per_second = 5;  // per member
  double message_burst = 10;
  double logins_per_second = 50;  // all LOGINs from non-members together
  double login_burst = 250;
  double logins_per_address_per_second = 1;  // each non-member address on its own
  double login_burst_per_address = 10;
  size_t remembered_addresses = 4096;  // non-member addresses with a LOGIN bucket
  std::chrono::milliseconds keepalive_timeout{35'000};  // muxd's client pings every 10 s
  size_t log_lines_per_second = 20;  // for dropped datagrams
};

struct LogEntry {
  LogLevel level;
  std::string text;
};

struct Outbox {
  std::vector<Outgoing> datagrams;
  std::vector<LogEntry> log;

  void clear() {
    datagrams.clear();
    log.clear();
  }
};

class Room {
 public:
  Room(const RoomLimits& limits, Clock::time_point now);

  void receive(std::string_view datagram, const SocketAddress& from, Clock::time_point now, Outbox& out);
  // The operator's line, sent to everyone as "admin : text".
  void announce(std::string_view text, Outbox& out);
  // The network says nobody listens at `address` any more (ICMP port unreachable).
  void unreachable(const SocketAddress& address, Outbox& out);
  // Removes keep-alive members not heard from within keepalive_timeout.
  void expire(Clock::time_point now, Outbox& out);
  // Tells everyone the server is going away.
  void close(Outbox& out);

  size_t member_count() const { return members_.size(); }
  std::optional<std::string> name_at(const SocketAddress& address) const;

 private:
  struct Member {
    Member(std::string_view member_name, const SocketAddress& member_address, const RoomLimits& limits,
           Clock::time_point now);

    std::string name;
    SocketAddress address;
    TokenBucket messages;
    bool told_to_slow_down = false;
    bool sends_keepalives = false;
    Clock::time_point last_heard;
    std::list<Member*>::iterator keepalive_position;  // valid when sends_keepalives
  };

  void login(std::string_view name, const SocketAddress& from, Member* member, Clock::time_point now,
             Outbox& out);
  bool may_attempt_login(const SocketAddress& from, const Member* member, Clock::time_point now, Outbox& out);
  std::optional<std::string_view> login_refusal(std::string_view name, const SocketAddress& from,
                                                const Member* member) const;
  void admit(std::string_view name, const SocketAddress& from, Clock::time_point now, Outbox& out);
  void chat(const Request& request, const SocketAddress& from, Member* member, Clock::time_point now,
            Outbox& out);
  void leave(const Request& request, const SocketAddress& from, Member* member, Clock::time_point now,
             Outbox& out);
  void ping(const Request& request, const SocketAddress& from, Member* member, Clock::time_point now,
            Outbox& out);
  void who(const Request& request, const SocketAddress& from, Member* member, Clock::time_point now,
           Outbox& out);
  void refuse(ParseError error, std::string_view datagram, const SocketAddress& from, Member* member,
              Clock::time_point now, Outbox& out);

  bool is_sender(const Request& request, const SocketAddress& from, const Member* member,
                 Clock::time_point now, Outbox& out);
  bool allow_message(Member& member, Clock::time_point now, Outbox& out);
  void heard_from(Member& member, Clock::time_point now);
  void remove(Member& member, std::string_view reason, Outbox& out);
  Member* find(const SocketAddress& address);

  void fan_out(std::string payload, const Member* except, Outbox& out) const;
  static void reply(const SocketAddress& to, std::string payload, Outbox& out);
  bool may_log_drop(Clock::time_point now, Outbox& out);
  static void warn(Outbox& out, std::string text);

  RoomLimits limits_;
  std::unordered_map<SocketAddress, Member, SocketAddressHash> members_;
  std::unordered_map<std::string, SocketAddress> address_by_name_;  // keyed by name_key()
  std::list<Member*> keepalive_order_;  // members that ping, least recently heard first
  TokenBucket logins_;
  AddressBuckets logins_by_address_;
  LogThrottle drop_log_;
};

}  // namespace muxd::chat
