#include "http/status_page.h"

#include <fmt/format.h>

#include "http/metrics.h"

namespace muxd::http {
namespace {

std::string_view reason(int status) {
  switch (status) {
    case 401: return "Unauthorized";
    case 429: return "Too Many Requests";
    default: return reason_phrase(status);
  }
}

bool readable_method(const Request& request) {
  return request.method == Method::Get || request.method == Method::Head;
}

ResponseSummary method_not_allowed(const SimpleReply& reply) {
  return respond_text(reply, 405, "text/plain; charset=utf-8", "405 Method Not Allowed\n", "Allow: GET, HEAD\r\n");
}

}  // namespace

bool is_health_request(const HttpConfig& config, const Request& request) {
  return !config.health_path.empty() && request.path == config.health_path;
}

bool is_status_request(const HttpConfig& config, const Request& request) {
  return !config.status_path.empty() && request.path == config.status_path && config.metrics;
}

ResponseSummary respond_text(const SimpleReply& reply, int status, std::string_view content_type,
                             std::string_view body, std::string_view extra) {
  std::string head = fmt::format("HTTP/1.1 {} {}\r\nServer: muxd\r\nDate: {}\r\nContent-Length: {}\r\n"
                                 "Content-Type: {}\r\nCache-Control: no-store\r\n{}",
                                 status, reason(status), reply.http_date, body.size(), content_type, extra);
  if (!reply.keep_alive)
    head += "Connection: close\r\n";
  else if (reply.http10)
    head += "Connection: keep-alive\r\n";
  head += "\r\n";
  reply.out.append(head);
  if (reply.head_only) return {status, 0};
  reply.out.append(body);
  return {status, body.size()};
}

ResponseSummary respond_health(const SimpleReply& reply, const Request& request) {
  if (!readable_method(request)) return method_not_allowed(reply);
  return respond_text(reply, 200, "text/plain; charset=utf-8", "ok\n");
}

ResponseSummary respond_status(const SimpleReply& reply, const Request& request, const Metrics& metrics) {
  if (!readable_method(request)) return method_not_allowed(reply);
  return respond_text(reply, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render());
}

ResponseSummary respond_auth_refusal(const SimpleReply& reply, int status, std::string_view challenge) {
  std::string body = fmt::format("{} {}\n", status, reason(status));
  std::string extra = status == 401 ? fmt::format("WWW-Authenticate: {}\r\n", challenge) : "Retry-After: 1\r\n";
  return respond_text(reply, status, "text/plain; charset=utf-8", body, extra);
}

}  // namespace muxd::http
