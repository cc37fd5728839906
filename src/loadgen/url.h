#pragma once
// The target of `muxd bench`: an http:// URL, split and resolved once.
#include <optional>
#include <string>
#include <string_view>

#include "core/address.h"

namespace muxd::loadgen {

struct Target {
  std::string host;       // as written, brackets kept for IPv6: "example.com", "[::1]"
  uint16_t port = 80;
  std::string authority;  // the Host header's value: host, then ":port" when not 80
  std::string path;       // origin-form request target, "/" at least (RFC 9112 §3.2.1)
  SocketAddress address;  // filled by resolve()
};

// "http://HOST[:PORT][/PATH][?QUERY]" (RFC 9110 §4.2.1); no userinfo, no
// fragment sent. On error returns nullopt and says why in `error`.
std::optional<Target> parse_url(std::string_view url, std::string* error);

// getaddrinfo(3) for the host (blocking: it runs once, before the load);
// the first address is the one every connection uses.
bool resolve(Target& target, std::string* error);

}  // namespace muxd::loadgen
