#include <fmt/core.h>

#include "cli/commands.h"

namespace muxd {

std::optional<SocketAddress> parse_listen_flag(std::string_view service, const std::string& value) {
  std::string error;
  auto address = SocketAddress::parse(value, &error);
  if (!address) fmt::print(stderr, "muxd {}: --listen {}: {}\n", service, value, error);
  return address;
}

std::chrono::milliseconds seconds_flag(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

}  // namespace muxd
