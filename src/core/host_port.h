#pragma once
// What a client's SERVER argument names: "host", "host:port", "[v6]",
// "[v6]:port", or a bare IPv6 address ("::1": more than one colon, so all
// host, no port). The brackets are those of a URI's IP-literal (RFC 3986
// §3.2.2); they are removed from the host. The port, when given, is a
// decimal number from 1 to 65535 (no service names: /etc/services would make
// "host:http" work on one machine and not on another). Splitting only: the
// client resolves the host with getaddrinfo(3) for its own socket type.
#include <optional>
#include <string>
#include <string_view>

namespace muxd {

struct HostPort {
  std::string host;  // unbracketed
  std::string port;  // decimal, or the default
};

// nullopt, with the reason in `error` (without the text itself), when the
// text is not one of the forms above or the port is not 1-65535.
std::optional<HostPort> split_host_port(std::string_view text, std::string_view default_port,
                                        std::string* error);

}  // namespace muxd
