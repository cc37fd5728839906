// AccessLog's `json` format (--access-log-format json): one object a line,
// every string escaped by append_json_escaped (json_escape.h), numbers bare.
//   {"time":"22/Nov/2026:10:00:00 +0000","client":"127.0.0.1","user":null,
//    "request":"GET / HTTP/1.1","status":200,"body_bytes":1234,"referer":null,"user_agent":"curl/7.88.1"}
// A field the request did not have is null rather than "-", so a consumer
// can tell a missing Referer from one that said "-".
#include <charconv>

#include "http/access_log.h"
#include "http/json_escape.h"

namespace muxd::http {
namespace {

constexpr size_t kFlushThreshold = 32 * 1024;  // as the combined format's

void string_field(std::string& out, std::string_view name, std::string_view value, bool null_if_empty = true) {
  out.append(",\"").append(name).append("\":");
  if (value.empty() && null_if_empty) {
    out.append("null");
    return;
  }
  out.push_back('"');
  append_json_escaped(out, value);
  out.push_back('"');
}

void number_field(std::string& out, std::string_view name, uint64_t value) {
  char number[24];
  out.append(",\"").append(name).append("\":");
  out.append(number, std::to_chars(number, number + sizeof(number), value).ptr);
}

}  // namespace

void AccessLog::record_json(const AccessRecord& entry) {
  buffer_.append("{\"time\":\"");
  append_json_escaped(buffer_, entry.time);
  buffer_.push_back('"');
  string_field(buffer_, "client", entry.client_ip, false);
  string_field(buffer_, "user", entry.user);
  string_field(buffer_, "request", entry.request_line);
  number_field(buffer_, "status", static_cast<uint64_t>(entry.status));
  number_field(buffer_, "body_bytes", entry.body_bytes);
  string_field(buffer_, "referer", entry.referer);
  string_field(buffer_, "user_agent", entry.user_agent);
  buffer_.append("}\n");
  if (buffer_.size() >= kFlushThreshold) flush();
}

}  // namespace muxd::http
