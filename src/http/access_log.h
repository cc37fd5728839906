#pragma once
// AccessLog: Combined Log Format lines (or JSON objects, one a line:
// access_log_json.cpp), buffered per worker and written whole (a flush never
// splits a line), so workers can share one O_APPEND file.
//   127.0.0.1 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1234 "-" "curl/7.88.1"
#include <cstdint>
#include <string>
#include <string_view>

namespace muxd::http {

struct AccessRecord {
  std::string_view client_ip;
  std::string_view time;          // DateCache::log_time()
  std::string_view request_line;  // as received; empty when none could be parsed
  int status;
  uint64_t body_bytes;
  std::string_view referer;
  std::string_view user_agent;
  std::string_view user = {};  // the Basic auth user name, once verified; empty: "-"
};

// --access-log-format
enum class AccessLogFormat : uint8_t { combined, json };

class AccessLog {
 public:
  explicit AccessLog(int fd, AccessLogFormat format = AccessLogFormat::combined)
      : fd_(fd), format_(format) {}  // fd < 0: logging off
  ~AccessLog() { flush(); }
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool enabled() const { return fd_ >= 0; }
  void record(const AccessRecord& entry);
  void flush();

 private:
  void append_quoted(std::string_view field);
  void append_escaped(std::string_view field, bool escape_space);
  void record_json(const AccessRecord& entry);

  int fd_;
  AccessLogFormat format_;
  std::string buffer_;
};

}  // namespace muxd::http
