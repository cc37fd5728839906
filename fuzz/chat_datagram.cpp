// Fuzzes the chat datagram parser and the room behind it. The input is a
// script of events: each starts with an opcode byte (what happens, from which
// of four senders), then a length byte and that many payload bytes.
// Invariants: nothing crashes, and every datagram the room sends is valid
// UTF-8 without control characters and at most kMaxOutgoingBytes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "chat/protocol.h"
#include "chat/room.h"
#include "chat/text.h"

namespace {

using muxd::Outgoing;
using muxd::SocketAddress;
using namespace muxd::chat;

const SocketAddress kSenders[4] = {*SocketAddress::parse("127.0.0.1:1001"),
                                   *SocketAddress::parse("127.0.0.1:1002"),
                                   *SocketAddress::parse("[::1]:1001"),
                                   *SocketAddress::parse("10.0.0.1:1001")};

void check(const Outbox& out) {
  for (const Outgoing& datagram : out.datagrams) {
    if (datagram.payload.size() > kMaxOutgoingBytes) std::abort();
    if (sanitize_text(datagram.payload) != datagram.payload) std::abort();
    if (datagram.destinations.empty()) std::abort();
  }
}

RoomLimits small_limits() {
  RoomLimits limits;
  limits.max_members = 3;
  limits.message_burst = 4;
  limits.login_burst = 6;
  limits.keepalive_timeout = std::chrono::milliseconds(500);
  return limits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto now = Clock::time_point() + std::chrono::hours(1);
  Room room(small_limits(), now);
  Outbox out;
  while (input.size() >= 2) {
    const auto opcode = static_cast<uint8_t>(input[0]);
    const size_t length = std::min<size_t>(static_cast<uint8_t>(input[1]) * 16u, input.size() - 2);
    const std::string_view payload = input.substr(2, length);
    input.remove_prefix(2 + length);
    const SocketAddress& sender = kSenders[opcode & 3];
    switch ((opcode >> 2) % 5) {
      case 0: case 1: room.receive(payload, sender, now, out); break;
      case 2: room.unreachable(sender, out); break;
      case 3: now += std::chrono::milliseconds(opcode * 4); room.expire(now, out); break;
      case 4: room.announce(payload, out); break;
    }
    check(out);
    out.clear();
    if (room.member_count() > 3) std::abort();
  }
  room.close(out);
  check(out);
  return 0;
}
