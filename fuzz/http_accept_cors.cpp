// Fuzzes what --dir-listing, --spa and --cors read from requests: the Accept
// field (accept.h) and the Origin / Access-Control-Request-Headers pair
// (cors.h). Whatever the input: qualities stay in 0..1000, the decisions are
// consistent with them, and what CORS echoes back is a valid token list (so
// no CR/LF can reach a response head) or the configured origin itself.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/accept.h"
#include "http/cors.h"
#include "http/dir_listing.h"
#include "http/extra_headers.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

void check_accept(std::string_view accept) {
  for (std::string_view type : {"text/html", "application/json"}) {
    muxd::http::MediaMatch match = muxd::http::accept_match(accept, type);
    require(match.quality >= 0 && match.quality <= 1000);
    require(match.specificity >= 0 && match.specificity <= 3);
  }
  if (muxd::http::accepts_html_explicitly(accept)) require(muxd::http::accept_match(accept, "text/html").quality > 0);
  if (muxd::http::prefers_json(accept)) require(muxd::http::accept_match(accept, "application/json").quality > 0);
}

void check_cors(std::string_view origin, std::string_view asked) {
  static const muxd::http::CorsPolicy one("https://app.example");
  static const muxd::http::CorsPolicy any("*");
  muxd::http::CorsDecision d = one.decide_preflight(origin, asked);
  require(d.allow_origin.empty() || d.allow_origin == "https://app.example");
  require(d.vary_origin);
  if (!d.allow_headers.empty()) {
    require(muxd::http::is_token_list(d.allow_headers));
    require(muxd::http::is_field_value(d.allow_headers));
  }
  require(any.decide(origin).allow_origin == "*");
}

void check_escaping(std::string_view name) {
  std::string html, json, href;
  muxd::http::append_html_escaped(html, name);
  muxd::http::append_json_string(json, name);
  muxd::http::append_href(href, name);
  require(html.find('<') == std::string::npos && html.find('"') == std::string::npos);
  require(json.find('<') == std::string::npos && json.find('\n') == std::string::npos);
  for (char c : href) require(c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '\'');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t split = input.find('\n');
  std::string_view first = input.substr(0, split);
  std::string_view second = split == std::string_view::npos ? std::string_view{} : input.substr(split + 1);
  check_accept(input);
  check_cors(first, second);
  check_escaping(input);
  return 0;
}
