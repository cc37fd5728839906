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

// Plain decimal digits only: no sign (strtoull would wrap "-1" to 2^64 - 1),
// no "0x" or leading-zero octal (CLI11 reads numbers with base 0).
std::optional<uint64_t> parse_count(const std::string& text) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

CLI::Validator count_check(uint64_t min, uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        auto value = parse_count(text);
        if (!value || *value < min || *value > max)
          return fmt::format("{} is not a whole number from {} to {}", text, min, max);
        text = std::to_string(*value);  // "010" is ten here, not CLI11's octal eight
        return "";
      },
      "COUNT");
}

CLI::Validator number_check(double min, double max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        auto value = parse_number(text);  // NaN compares false both ways: refused here, not passed on
        if (value && *value >= min && *value <= max) return "";
        return fmt::format("{} is not a number from {:g} to {:g}", text, min, max);
      },
      "NUMBER");
}

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
        if (::stat(path.c_str(), &st) != 0) {
          // A root that does not exist is a wrong command line (status 2); one
          // this user may not reach is a failure at run time (status 1), which
          // the service reports ("Permission denied") when it opens the root.
          if (errno == ENOENT || errno == ENOTDIR) return fmt::format("{}: {}", path, std::strerror(errno));
          return "";
        }
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
