#include "loadgen/url.h"

#include <netdb.h>

#include <charconv>

namespace muxd::loadgen {
namespace {

bool fail(std::string* error, std::string why) {
  if (error) *error = std::move(why);
  return false;
}

std::optional<Target> refuse(std::string* error, std::string why) {
  fail(error, std::move(why));
  return std::nullopt;
}

bool valid_path(std::string_view path) {
  for (char c : path) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;  // a space or control byte would break the request line
  }
  return true;
}

}  // namespace

std::optional<Target> parse_url(std::string_view url, std::string* error) {
  constexpr std::string_view kScheme = "http://";
  if (url.size() < kScheme.size() || url.substr(0, kScheme.size()) != kScheme) {
    if (url.substr(0, 8) == "https://") return refuse(error, "https is not supported (plain http:// only)");
    return refuse(error, "not an http:// URL");
  }
  url.remove_prefix(kScheme.size());
  if (size_t hash = url.find('#'); hash != std::string_view::npos) url = url.substr(0, hash);
  size_t slash = url.find_first_of("/?");
  std::string_view authority = url.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
  Target target;
  if (authority.find('@') != std::string_view::npos) return refuse(error, "user names in URLs are not supported");
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return refuse(error, "unclosed [ in the host");
    target.host = std::string(authority.substr(0, close + 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return refuse(error, "junk after the ]");
    if (!after.empty()) port = after.substr(1);
  } else {
    size_t colon = authority.rfind(':');
    target.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (target.host.empty() || target.host == "[]") return refuse(error, "no host");
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535)
      return refuse(error, "the port is not a number from 1 to 65535");
    target.port = static_cast<uint16_t>(value);
  }
  if (path[0] == '?') target.path = "/" + std::string(path);
  else target.path = std::string(path);
  if (!valid_path(target.path)) return refuse(error, "a space or control byte in the path");
  target.authority = target.host;
  if (target.port != 80) target.authority += ":" + std::to_string(target.port);
  return target;
}

bool resolve(Target& target, std::string* error) {
  std::string host = target.host;
  if (host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(target.port);
  int status = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (status != 0) return fail(error, "cannot resolve " + host + ": " + ::gai_strerror(status));
  target.address = SocketAddress::from(found->ai_addr, found->ai_addrlen);
  ::freeaddrinfo(found);
  return true;
}

}  // namespace muxd::loadgen
