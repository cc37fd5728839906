#pragma once
// FtpLog: the `muxd ftp --log` lines, one per login, failed login and file
// transfer, buffered per worker and written whole (a flush never splits a
// line, one write(2) per flush), so workers can share one O_APPEND file
// (core's LogFile, reopened in place on SIGHUP/SIGUSR1).
//
//   2026-11-22T10:00:00Z login 127.0.0.1 anonymous
//   2026-11-22T10:00:03Z login-failed 127.0.0.1 alice
//   2026-11-22T10:00:05Z transfer 0.012 127.0.0.1 300000 /pub/big\x20file.iso o anonymous c
//
// Fields are separated by one space. The time is UTC, when the event happened
// (a transfer's end). A transfer line then has: its duration in seconds (from
// the 150 reply to the end), the client's IP, the bytes moved, the virtual
// path, the direction as xferlog has it (o: download, i: upload), the user
// (anonymous logins show as "anonymous") and the status (c: complete, i:
// incomplete). Paths and user names come from clients: every byte outside
// printable ASCII, the space and '\' are written as \xHH, so a name can never
// break a line, forge one, split a field or reach a terminal raw.
#include <ctime>
#include <string>
#include <string_view>

#include "ftp/session.h"

namespace muxd::ftp {

// `time` is "YYYY-MM-DDTHH:MM:SSZ".
void append_log_line(std::string& out, const LogEvent& event, std::string_view client_ip,
                     std::string_view time);
// `text` with the escapes above, appended to `out` ("-" when empty).
void append_log_field(std::string& out, std::string_view text);
std::string format_log_time(std::time_t t);

class FtpLog {
 public:
  explicit FtpLog(int fd) : fd_(fd) {}  // fd < 0: logging off
  ~FtpLog() { flush(); }
  FtpLog(const FtpLog&) = delete;
  FtpLog& operator=(const FtpLog&) = delete;

  bool enabled() const { return fd_ >= 0; }
  void record(const LogEvent& event, std::string_view client_ip, std::time_t now);
  void flush();
  const std::string& buffered() const { return buffer_; }

 private:
  int fd_;
  std::string buffer_;
  std::time_t time_cached_ = -1;  // the second time_text_ shows
  std::string time_text_;
};

}  // namespace muxd::ftp
