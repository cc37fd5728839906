#pragma once
// SocketAddress: an IPv4 or IPv6 endpoint, parsed from "host:port" or "[v6]:port".
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace muxd {

class SocketAddress {
 public:
  SocketAddress() = default;

  // "127.0.0.1:8080", "[::1]:0", "localhost:80", "0.0.0.0:21". Numeric hosts only,
  // plus "localhost" (a server's listen address should not depend on DNS).
  static std::optional<SocketAddress> parse(std::string_view text, std::string* error = nullptr);
  static SocketAddress from(const sockaddr* addr, socklen_t length);

  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&storage_); }
  socklen_t length() const { return length_; }
  socklen_t* length_ptr() { return &length_; }
  int family() const { return storage_.ss_family; }

  uint16_t port() const;
  SocketAddress with_port(uint16_t port) const;
  bool same_host(const SocketAddress& other) const;  // same IP, any port
  bool operator==(const SocketAddress& other) const;

  std::string ip_string() const;  // "127.0.0.1", "::1"
  std::string to_string() const;  // "127.0.0.1:80", "[::1]:80"

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = sizeof(storage_);
};

}  // namespace muxd
