#pragma once
// Learning that a peer's port closed, from the ICMP errors Linux queues on a UDP
// socket that asked for them (IP_RECVERR / IPV6_RECVERR, see ip(7) and ipv6(7)).
#include <vector>

#include "core/address.h"

namespace muxd::chat {

// Asks the kernel to queue ICMP errors on `fd` instead of dropping them
// (an unconnected UDP socket hears nothing otherwise).
void enable_icmp_errors(int fd, int family);

// Drains `fd`'s error queue. Returns the destinations of datagrams that came
// back as "port unreachable" (ICMP type 3 code 3, ICMPv6 type 1 code 4): the
// original destination is the message's msg_name. Other errors (host or network
// unreachable, too big...) may be transient and are ignored.
std::vector<SocketAddress> read_unreachable_destinations(int fd);

}  // namespace muxd::chat
