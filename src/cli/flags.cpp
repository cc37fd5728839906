#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <cmath>

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

namespace {

constexpr double kWeek = 7 * 24 * 3600;

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace

CLI::Validator seconds_check(double min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        auto value = parse_number(text);
        if (value && *value >= min && *value <= kWeek) return "";
        return fmt::format("{} is not a number of seconds from {:g} to {:g}", text, min, kWeek);
      },
      "SECONDS");
}

CLI::Validator directory_check() {
  return CLI::Validator(
      [](std::string& path) -> std::string {
        struct stat st;
        if (::stat(path.c_str(), &st) != 0) return fmt::format("{}: {}", path, std::strerror(errno));
        if (!S_ISDIR(st.st_mode)) return fmt::format("{}: not a directory", path);
        return "";
      },
      "DIR");
}

CLI::Validator positive_check() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto value = parse_number(text);
        if (value && *value > 0 && *value <= 1e6) return "";
        return fmt::format("{} is not a number above 0 and at most 1000000", text);
      },
      "NUMBER");
}

}  // namespace muxd
