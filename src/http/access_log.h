#pragma once
// AccessLog: Combined Log Format lines, buffered per worker and written whole
// (a flush never splits a line), so workers can share one O_APPEND file.
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
};

class AccessLog {
 public:
  explicit AccessLog(int fd) : fd_(fd) {}  // fd < 0: logging off
  ~AccessLog() { flush(); }
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool enabled() const { return fd_ >= 0; }
  void record(const AccessRecord& entry);
  void flush();

 private:
  void append_quoted(std::string_view field);

  int fd_;
  std::string buffer_;
};

}  // namespace muxd::http
