#include "ftp/ftp_log.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>

#include <fmt/format.h>

namespace muxd::ftp {
namespace {

constexpr size_t kFlushThreshold = 32 * 1024;

void append_number(std::string& out, uint64_t value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

// Seconds with three decimals: "0.012", "75.300".
void append_seconds(std::string& out, std::chrono::steady_clock::duration duration) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  if (ms < 0) ms = 0;
  append_number(out, static_cast<uint64_t>(ms / 1000));
  out.push_back('.');
  auto rest = static_cast<unsigned>(ms % 1000);
  out.push_back(static_cast<char>('0' + rest / 100));
  out.push_back(static_cast<char>('0' + rest / 10 % 10));
  out.push_back(static_cast<char>('0' + rest % 10));
}

}  // namespace

void append_log_field(std::string& out, std::string_view text) {
  if (text.empty()) return out.push_back('-');
  for (unsigned char c : text) {
    if (c <= 0x20 || c >= 0x7f || c == '\\') {
      constexpr char hex[] = "0123456789ABCDEF";
      out.append("\\x").push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

std::string format_log_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void append_log_line(std::string& out, const LogEvent& event, std::string_view client_ip,
                     std::string_view time) {
  out.append(time);
  if (const auto* login = std::get_if<LoginEvent>(&event)) {
    out.append(login->accepted ? " login " : " login-failed ");
    append_log_field(out, client_ip);
    out.push_back(' ');
    append_log_field(out, login->user);
  } else {
    const auto& transfer = std::get<TransferEvent>(event);
    out.append(" transfer ");
    append_seconds(out, transfer.duration);
    out.push_back(' ');
    append_log_field(out, client_ip);
    out.push_back(' ');
    append_number(out, transfer.bytes);
    out.push_back(' ');
    append_log_field(out, transfer.path);
    out.append(transfer.upload ? " i " : " o ");
    append_log_field(out, transfer.user);
    out.append(transfer.complete ? " c" : " i");
  }
  out.push_back('\n');
}

void FtpLog::record(const LogEvent& event, std::string_view client_ip, std::time_t now) {
  if (!enabled()) return;
  if (now != time_cached_) {
    time_cached_ = now;
    time_text_ = format_log_time(now);
  }
  append_log_line(buffer_, event, client_ip, time_text_);
  if (buffer_.size() >= kFlushThreshold) flush();
}

void FtpLog::flush() {
  size_t done = 0;
  while (enabled() && done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // a full disk loses log lines, never transfers
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
}

}  // namespace muxd::ftp
