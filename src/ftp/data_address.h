#pragma once
// The addresses of data connections, as the control connection spells them:
// PORT and PASV (RFC 959 §4.1.2, §4.2.2), EPRT and EPSV (RFC 2428).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/address.h"

namespace muxd::ftp {

// "h1,h2,h3,h4,p1,p2": six decimal numbers 0..255. nullopt on any syntax error.
std::optional<SocketAddress> parse_port_argument(std::string_view argument);

enum class EprtError {
  none,
  syntax,    // 501
  protocol,  // 522: a network protocol other than 1 (IPv4) and 2 (IPv6)
};

// "|1|132.235.1.2|6275|" or "|2|::1|5282|": the first character is the
// delimiter (any printable ASCII but digits, RFC 2428 §2).
std::optional<SocketAddress> parse_eprt_argument(std::string_view argument, EprtError* error);

// "Entering Passive Mode (127,0,0,1,4,1)." for an IPv4 address.
std::string pasv_reply_text(const SocketAddress& listener);
// "Entering Extended Passive Mode (|||1025|)".
std::string epsv_reply_text(uint16_t port);

// Client side: the port in a 229 reply's "(|||port|)" (RFC 2428 §3), and the
// address in a 227 reply's "h1,h2,h3,h4,p1,p2", wherever in the text it is
// (RFC 1123 §4.1.2.6).
std::optional<uint16_t> parse_epsv_reply(std::string_view text);
std::optional<SocketAddress> parse_pasv_reply(std::string_view text);

// The IP as text, an IPv4-mapped IPv6 address ("::ffff:1.2.3.4") as plain IPv4.
std::string plain_ip(const SocketAddress& address);
// Same IP (ports ignored), seeing through IPv4-mapped IPv6 addresses.
bool same_ip(const SocketAddress& a, const SocketAddress& b);

}  // namespace muxd::ftp
