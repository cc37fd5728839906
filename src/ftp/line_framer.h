#pragma once
// LineFramer: splits the control connection's byte stream into command lines.
//
// RFC 959 §4.1.3 ends a command with CRLF; bare LF is accepted too (some
// clients and every hand-typed telnet session send it). The control connection
// speaks TELNET (RFC 854), so IAC sequences are removed: IAC IAC is a literal
// 0xFF, IAC WILL/WONT/DO/DONT carry one option byte, every other IAC command
// (IP and DM, sent before ABOR; RFC 959 §4.1.3) is two bytes; an IAC before
// a byte that is no TELNET command is dropped alone. A line longer
// than the limit is an error: the caller replies 500 and closes.
#include <cstddef>
#include <string>
#include <string_view>

namespace muxd::ftp {

inline constexpr size_t kMaxCommandLine = 4096;  // bytes, without the line end

class LineFramer {
 public:
  enum class Status { line, need_more, too_long };

  explicit LineFramer(size_t max_line = kMaxCommandLine) : max_line_(max_line) {}

  // Reads `input` up to and including one line end. `*consumed` is how many
  // bytes of `input` were used (all of them when need_more); on `line`, the
  // command (without CR LF or TELNET bytes) is in `*line`.
  Status next(std::string_view input, size_t* consumed, std::string* line);

 private:
  enum class Telnet { data, iac, option };

  // Feeds one byte; returns true when it ended a line.
  bool feed(unsigned char byte);

  size_t max_line_;
  std::string partial_;
  Telnet telnet_ = Telnet::data;
  bool too_long_ = false;
};

}  // namespace muxd::ftp
