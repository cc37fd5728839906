#pragma once
// `--cors ORIGIN|*`: Cross-Origin Resource Sharing as the Fetch standard
// (fetch.spec.whatwg.org, "CORS protocol") defines it, for a read-only
// static server:
//   - a preflight is OPTIONS with Access-Control-Request-Method; it is
//     answered 204 with Access-Control-Allow-Methods (GET, HEAD, OPTIONS),
//     Access-Control-Allow-Headers (the requested names, when they are a
//     valid token list) and Access-Control-Max-Age (7200 s: Chromium's cap);
//   - every response gets Access-Control-Allow-Origin: "*" when configured
//     so; for a configured origin, only when the request's Origin is exactly
//     that origin (the Fetch standard compares serialised origins byte for
//     byte), and always with "Vary: Origin" (RFC 9110 §12.5.5) so a shared
//     cache does not hand one origin's answer to another;
//   - no credentials (Access-Control-Allow-Credentials is never sent).
// Decisions only: no IO, no allocation; the caller writes the fields.
#include <string>
#include <string_view>

#include "http/request_parser.h"

namespace muxd::http {

inline constexpr std::string_view kCorsAllowMethods = "GET, HEAD, OPTIONS";
inline constexpr std::string_view kCorsMaxAge = "7200";
// Response fields a script may read beyond the CORS-safelisted ones.
inline constexpr std::string_view kCorsExposeHeaders = "ETag, Content-Range, Accept-Ranges";

struct CorsDecision {
  std::string_view allow_origin;   // empty: no Access-Control-Allow-Origin
  bool vary_origin = false;        // "Vary: Origin"
  std::string_view allow_headers;  // preflight only: echoed request headers
};

class CorsPolicy {
 public:
  CorsPolicy() = default;  // disabled
  // `origin`: "*" or one serialised origin ("https://app.example").
  explicit CorsPolicy(std::string origin) : origin_(std::move(origin)) {}

  bool enabled() const { return !origin_.empty(); }
  // OPTIONS with Access-Control-Request-Method (and CORS on).
  bool is_preflight(const Request& request) const;
  // The fields for a response to a request carrying this Origin.
  CorsDecision decide(std::string_view request_origin) const;
  // ... and for a preflight, with its Access-Control-Request-Headers.
  CorsDecision decide_preflight(std::string_view request_origin, std::string_view request_headers) const;

 private:
  std::string origin_;
};

// A command-line --cors value: "*", or scheme "://" host [":" port] with no
// path, as browsers serialise an Origin (lower-case scheme, no trailing '/').
bool valid_cors_origin(std::string_view origin);
// Access-Control-Request-Headers: a comma-separated list of tokens (OWS allowed).
bool is_token_list(std::string_view list);

}  // namespace muxd::http
