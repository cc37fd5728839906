#include "core/host_port.h"

#include <charconv>

namespace muxd {
namespace {

std::optional<HostPort> refuse(std::string* error, const char* why) {
  if (error) *error = why;
  return std::nullopt;
}

bool valid_port(std::string_view port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && end == port.data() + port.size() && value >= 1 && value <= 65535;
}

}  // namespace

std::optional<HostPort> split_host_port(std::string_view text, std::string_view default_port,
                                        std::string* error) {
  std::string_view host = text;
  std::string_view port = default_port;
  if (text.starts_with('[')) {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return refuse(error, "missing ]");
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return refuse(error, "expected :PORT after ]");
      port = text.substr(close + 2);
    }
  } else if (size_t colon = text.find(':'); colon != std::string_view::npos && text.rfind(':') == colon) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) return refuse(error, "no host");
  if (!valid_port(port)) return refuse(error, "the port is not a number from 1 to 65535");
  return HostPort{std::string(host), std::string(port)};
}

}  // namespace muxd
