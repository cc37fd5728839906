#pragma once
// What `muxd bench` was asked to do (src/loadgen/command.cpp fills it in).
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/response_parser.h"
#include "loadgen/url.h"

namespace muxd::loadgen {

struct BenchConfig {
  Target target;
  size_t connections = 10;
  size_t threads = 2;
  std::chrono::milliseconds duration{10'000};
  std::chrono::milliseconds timeout{2'000};  // no byte of an awaited response for this long
  size_t pipeline = 1;                       // requests in flight per connection
  double rate = 0;                           // requests/s over all connections; 0: closed loop
  bool close = false;                        // Connection: close, a new connection per request
  bool json = false;
  std::vector<std::string> headers;          // "Name: value", as given
  ResponseLimits limits;
};

// The GET request every connection sends, whole (RFC 9112 §3): Host unless
// the user gave one, the user's headers, and Connection: close with --close.
std::string build_request(const BenchConfig& config);

// A --header value: "Name: value", the name a token, no CR, LF or NUL.
bool valid_header(std::string_view header, std::string* why);

}  // namespace muxd::loadgen
