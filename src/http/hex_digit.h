#pragma once
// The value of one hexadecimal digit (percent-encoding, chunk sizes), or -1.
namespace muxd::http {

constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace muxd::http
