#include "http/cors.h"

#include "http/extra_headers.h"

namespace muxd::http {

bool CorsPolicy::is_preflight(const Request& request) const {
  return enabled() && request.method == Method::Options && !request.header("access-control-request-method").empty();
}

CorsDecision CorsPolicy::decide(std::string_view request_origin) const {
  CorsDecision decision;
  if (!enabled()) return decision;
  if (origin_ == "*") {
    decision.allow_origin = "*";
    return decision;
  }
  decision.vary_origin = true;
  if (request_origin == origin_) decision.allow_origin = origin_;
  return decision;
}

CorsDecision CorsPolicy::decide_preflight(std::string_view request_origin, std::string_view request_headers) const {
  CorsDecision decision = decide(request_origin);
  if (!decision.allow_origin.empty() && is_token_list(request_headers)) decision.allow_headers = request_headers;
  return decision;
}

bool valid_cors_origin(std::string_view origin) {
  if (origin == "*") return true;
  size_t sep = origin.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  for (char c : origin.substr(0, sep)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  std::string_view authority = origin.substr(sep + 3);
  if (authority.empty()) return false;
  for (char c : authority) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == ':' || c == '[' || c == ']' || c == '_';
    if (!ok) return false;  // no '/', '?', '#', '@', spaces or controls
  }
  return true;
}

bool is_token_list(std::string_view list) {
  bool any = false;
  while (true) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) {
      if (!is_token(item)) return false;
      any = true;
    }
    if (comma == std::string_view::npos) return any;
    list.remove_prefix(comma + 1);
  }
}

}  // namespace muxd::http
