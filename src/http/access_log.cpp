#include "http/access_log.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace muxd::http {
namespace {

constexpr size_t flush_threshold = 32 * 1024;

}  // namespace

void AccessLog::record(const AccessRecord& entry) {
  if (!enabled()) return;
  if (format_ == AccessLogFormat::json) return record_json(entry);
  buffer_.append(entry.client_ip).append(" - ");
  if (entry.user.empty())
    buffer_.push_back('-');
  else
    append_escaped(entry.user, true);
  buffer_.append(" [").append(entry.time).append("] ");
  append_quoted(entry.request_line);
  char number[24];
  buffer_.push_back(' ');
  buffer_.append(number, std::to_chars(number, number + sizeof(number), entry.status).ptr);
  buffer_.push_back(' ');
  if (entry.body_bytes == 0)
    buffer_.push_back('-');
  else
    buffer_.append(number, std::to_chars(number, number + sizeof(number), entry.body_bytes).ptr);
  buffer_.push_back(' ');
  append_quoted(entry.referer);
  buffer_.push_back(' ');
  append_quoted(entry.user_agent);
  buffer_.push_back('\n');
  if (buffer_.size() >= flush_threshold) flush();
}

// Client-controlled text is escaped as nginx does: '"', '\' and bytes outside
// printable ASCII become \xHH, so a line can never be forged or broken.
void AccessLog::append_quoted(std::string_view field) {
  buffer_.push_back('"');
  if (field.empty()) buffer_.push_back('-');
  append_escaped(field, false);
  buffer_.push_back('"');
}

// The user field is unquoted: there a space is escaped too.
void AccessLog::append_escaped(std::string_view field, bool escape_space) {
  for (unsigned char c : field) {
    if (c < 0x20 || (escape_space && c == ' ') || c >= 0x7f || c == '"' || c == '\\') {
      constexpr char hex[] = "0123456789ABCDEF";
      buffer_.append("\\x").push_back(hex[c >> 4]);
      buffer_.push_back(hex[c & 15]);
    } else {
      buffer_.push_back(static_cast<char>(c));
    }
  }
}

void AccessLog::flush() {
  size_t done = 0;
  while (enabled() && done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // a full disk loses log lines, never requests
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

}  // namespace muxd::http
