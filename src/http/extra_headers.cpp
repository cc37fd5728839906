#include "http/extra_headers.h"

#include <strings.h>

#include <array>

namespace muxd::http {
namespace {

// Written by muxd itself or framing the message: never from --header.
// Content-Encoding and WWW-Authenticate too: a wrong one would garble a
// compressed body or an auth challenge (docs/http-compression.md, http-operations.md).
constexpr std::array<std::string_view, 12> kReserved = {
    "content-length", "transfer-encoding", "connection", "keep-alive",       "upgrade",          "trailer",
    "te",             "date",              "server",     "content-range", "content-encoding", "www-authenticate"};

bool reserved(std::string_view name) {
  for (std::string_view r : kReserved) {
    if (r.size() == name.size() && strncasecmp(r.data(), name.data(), r.size()) == 0) return true;
  }
  return false;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  constexpr std::string_view specials = "!#$%&'*+-.^_`|~";
  return specials.find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

bool is_field_value(std::string_view value) {
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && byte != '\t') || byte == 0x7f) return false;
  }
  return true;
}

std::optional<std::string> parse_header_flag(std::string_view flag, std::string* error) {
  size_t colon = flag.find(':');
  if (colon == std::string_view::npos) {
    *error = "expected 'Name: value'";
    return std::nullopt;
  }
  std::string_view name = flag.substr(0, colon);
  std::string_view value = trim_ows(flag.substr(colon + 1));
  if (!is_token(name)) {
    *error = "the name is not an RFC 9110 token (letters, digits, !#$%&'*+-.^_`|~)";
    return std::nullopt;
  }
  if (!is_field_value(value)) {
    *error = "the value holds a control character (CR, LF, NUL, ...)";
    return std::nullopt;
  }
  if (reserved(name)) {
    *error = "muxd writes this field itself";
    return std::nullopt;
  }
  std::string line;
  line.reserve(name.size() + value.size() + 4);
  line.append(name).append(": ").append(value).append("\r\n");
  return line;
}

}  // namespace muxd::http
