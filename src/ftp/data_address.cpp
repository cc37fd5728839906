#include "ftp/data_address.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace muxd::ftp {
namespace {

constexpr std::string_view kMappedPrefix = "::ffff:";

std::optional<unsigned> parse_decimal(std::string_view text, unsigned max) {
  unsigned value = 0;
  if (text.empty() || text.size() > 5) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char delimiter) {
  std::vector<std::string_view> parts;
  for (size_t start = 0;;) {
    size_t end = text.find(delimiter, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

bool valid_delimiter(char c) { return c >= 33 && c <= 126 && !(c >= '0' && c <= '9'); }

}  // namespace

std::optional<SocketAddress> parse_port_argument(std::string_view argument) {
  std::vector<std::string_view> fields = split(argument, ',');
  if (fields.size() != 6) return std::nullopt;
  unsigned numbers[6];
  for (size_t i = 0; i < 6; ++i) {
    auto value = parse_decimal(fields[i], 255);
    if (!value) return std::nullopt;
    numbers[i] = *value;
  }
  std::string text = fmt::format("{}.{}.{}.{}:{}", numbers[0], numbers[1], numbers[2], numbers[3],
                                 numbers[4] * 256 + numbers[5]);
  return SocketAddress::parse(text);
}

std::optional<SocketAddress> parse_eprt_argument(std::string_view argument, EprtError* error) {
  *error = EprtError::syntax;
  if (argument.size() < 2 || !valid_delimiter(argument[0]) || argument.back() != argument[0]) {
    return std::nullopt;
  }
  std::vector<std::string_view> fields = split(argument.substr(1, argument.size() - 2), argument[0]);
  if (fields.size() != 3 || fields[1].find_first_of("[]") != std::string_view::npos) return std::nullopt;
  auto protocol = parse_decimal(fields[0], 65535);
  auto port = parse_decimal(fields[2], 65535);
  if (!protocol || !port) return std::nullopt;
  if (*protocol != 1 && *protocol != 2) {
    *error = EprtError::protocol;
    return std::nullopt;
  }
  bool v6 = *protocol == 2;
  std::string host = v6 ? fmt::format("[{}]", fields[1]) : std::string(fields[1]);
  auto address = SocketAddress::parse(fmt::format("{}:{}", host, *port));
  if (!address || address->family() != (v6 ? AF_INET6 : AF_INET)) return std::nullopt;
  *error = EprtError::none;
  return address;
}

std::string pasv_reply_text(const SocketAddress& listener) {
  std::string ip = plain_ip(listener);
  for (char& c : ip) {
    if (c == '.') c = ',';
  }
  return fmt::format("Entering Passive Mode ({},{},{}).", ip, listener.port() / 256,
                     listener.port() % 256);
}

std::string epsv_reply_text(uint16_t port) {
  return fmt::format("Entering Extended Passive Mode (|||{}|)", port);
}

std::optional<uint16_t> parse_epsv_reply(std::string_view text) {
  size_t open = text.find('(');
  if (open == std::string_view::npos || open + 5 > text.size()) return std::nullopt;
  char d = text[open + 1];
  if (!valid_delimiter(d) || text[open + 2] != d || text[open + 3] != d) return std::nullopt;
  size_t end = text.find(d, open + 4);
  if (end == std::string_view::npos || end + 1 >= text.size() || text[end + 1] != ')') return std::nullopt;
  auto port = parse_decimal(text.substr(open + 4, end - open - 4), 65535);
  if (!port || *port == 0) return std::nullopt;
  return static_cast<uint16_t>(*port);
}

std::optional<SocketAddress> parse_pasv_reply(std::string_view text) {
  for (size_t start = 0; start < text.size(); ++start) {
    if (text[start] < '0' || text[start] > '9' || (start > 0 && text[start - 1] >= '0' && text[start - 1] <= '9')) {
      continue;
    }
    size_t end = text.find_first_not_of("0123456789,", start);
    std::string_view candidate = text.substr(start, end == std::string_view::npos ? end : end - start);
    if (auto address = parse_port_argument(candidate)) return address;
  }
  return std::nullopt;
}

std::string plain_ip(const SocketAddress& address) {
  std::string ip = address.ip_string();
  bool mapped = ip.size() > kMappedPrefix.size() && ip.compare(0, kMappedPrefix.size(), kMappedPrefix) == 0 &&
                ip.find('.') != std::string::npos;
  return mapped ? ip.substr(kMappedPrefix.size()) : ip;
}

bool same_ip(const SocketAddress& a, const SocketAddress& b) { return plain_ip(a) == plain_ip(b); }

}  // namespace muxd::ftp
