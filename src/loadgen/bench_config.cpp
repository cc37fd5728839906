#include "loadgen/bench_config.h"

#include <cstring>

namespace muxd::loadgen {
namespace {

bool is_tchar(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') ||
         (u != 0 && std::strchr("!#$%&'*+-.^_`|~", u) != nullptr);
}

bool names_host(std::string_view header) {
  if (header.size() < 5) return false;
  for (size_t i = 0; i < 4; ++i)
    if ((header[i] | 0x20) != "host"[i]) return false;
  return header[4] == ':';
}

}  // namespace

bool valid_header(std::string_view header, std::string* why) {
  size_t colon = header.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    *why = "not 'Name: value'";
    return false;
  }
  for (char c : header.substr(0, colon)) {
    if (!is_tchar(c)) {
      *why = "the name is not a token (RFC 9110 §5.1)";
      return false;
    }
  }
  for (char c : header.substr(colon + 1)) {
    if (c == '\r' || c == '\n' || c == '\0') {
      *why = "CR, LF or NUL in the value";
      return false;
    }
  }
  return true;
}

std::string build_request(const BenchConfig& config) {
  std::string request = "GET " + config.target.path + " HTTP/1.1\r\n";
  bool has_host = false;
  for (const auto& header : config.headers) has_host = has_host || names_host(header);
  if (!has_host) request += "Host: " + config.target.authority + "\r\n";
  for (const auto& header : config.headers) request += header + "\r\n";
  if (config.close) request += "Connection: close\r\n";
  request += "\r\n";
  return request;
}

}  // namespace muxd::loadgen
