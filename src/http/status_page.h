#pragma once
// The operator's endpoints of `muxd http`, answered before the site is
// consulted (so no file can shadow them, and they never expose one):
//   --health-path PATH  "200 ok\n" as text/plain, for load balancers; never
//                       behind --auth-file (a balancer sends no credentials);
//   --status-path PATH  the counters of metrics.h in the Prometheus text
//                       format (text/plain; version=0.0.4); behind
//                       --auth-file when one is given, else open to anyone
//                       who can reach the listener.
// And the refusals of basic_auth.h: 401 with the challenge, 429, 503.
// The paths match the request's path exactly (percent-encoded as sent, no
// query); GET and HEAD are answered, anything else 405.
#include <string_view>

#include "core/output_queue.h"
#include "http/http_config.h"
#include "http/request_parser.h"
#include "http/static_site.h"

namespace muxd::http {

struct SimpleReply {
  OutputQueue& out;
  std::string_view http_date;
  bool keep_alive;
  bool http10;
  bool head_only;
};

bool is_health_request(const HttpConfig& config, const Request& request);
bool is_status_request(const HttpConfig& config, const Request& request);

ResponseSummary respond_health(const SimpleReply& reply, const Request& request);
ResponseSummary respond_status(const SimpleReply& reply, const Request& request, const Metrics& metrics);
// 401 with `WWW-Authenticate: <challenge>`, 429 with Retry-After, or 503 with Retry-After.
ResponseSummary respond_auth_refusal(const SimpleReply& reply, int status, std::string_view challenge);

// Any short response: a head, then `body` (not for HEAD). `extra` is whole
// header lines, each ending in CRLF.
ResponseSummary respond_text(const SimpleReply& reply, int status, std::string_view content_type,
                             std::string_view body, std::string_view extra = {});

}  // namespace muxd::http
