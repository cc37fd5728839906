#include "echo/session.h"

#include <fmt/format.h>

namespace muxd::echo {

std::string ctime_prefix(time_t when) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  localtime_r(&when, &tm);
  // asctime's layout, "%.3s %.3s%3d %.2d:%.2d:%.2d %d", in English whatever the locale.
  return fmt::format("[{} {} {:2} {:02}:{:02}:{:02} {}]: ", kDays[tm.tm_wday], kMonths[tm.tm_mon], tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

const std::string& Timestamps::prefix() {
  time_t now = clock_();
  if (now != formatted_) {
    prefix_ = ctime_prefix(now);
    formatted_ = now;
  }
  return prefix_;
}

// Answers every message that ends in `data`; keeps the start of the next one.
size_t Session::on_data(std::string_view data, OutputQueue& out) {
  LineFramer::Fed fed = lines_.feed(
      data, [&] { return !closing_ && out.pending_bytes() < kMaxQueuedOutput; },
      [&](std::string_view line) { echo(line, out); });
  if (fed.too_long) {
    closing_ = linger_ = true;  // the client may still be sending it
    return data.size();
  }
  restart_timeout_ = restart_timeout_ || fed.used > 0;
  return fed.used;
}

void Session::echo(std::string_view message, OutputQueue& out) {
  out.append(timestamps_.prefix());
  out.append(message);  // joins the prefix's segment: one write for both
  restart_timeout_ = true;
}

void Session::end_partial(OutputQueue& out) {
  if (lines_.has_partial()) echo(lines_.take_partial(), out);  // freed: an idle connection holds no memory
}

// The client sends no more: the message it began is complete.
void Session::on_peer_closed(OutputQueue& out) {
  end_partial(out);
  closing_ = true;
}

// The pause ends a message; the idle timeout ends the connection.
void Session::on_timeout(OutputQueue& out) {
  if (lines_.has_partial()) return end_partial(out);  // only the pause runs while a message is partial
  close_now_ = true;
}

// Graceful stop: answer what has come, send it, close.
void Session::on_stop(OutputQueue& out) {
  end_partial(out);
  closing_ = true;
}

SessionWants Session::wants(const OutputQueue& out) {
  SessionWants wants;
  if (close_now_) {
    wants.close = SessionWants::Close::now;
    return wants;
  }
  wants.timeout = lines_.has_partial() ? kPauseTimeout : kIdleTimeout;
  wants.restart_timeout = restart_timeout_;
  wants.restart_on_progress = wants.timeout == kIdleTimeout && !out.empty();  // a slow reader is not idle
  restart_timeout_ = false;
  if (closing_) {
    wants.close = linger_ ? SessionWants::Close::after_output_lingering : SessionWants::Close::after_output;
    return wants;
  }
  wants.read = out.pending_bytes() < kMaxQueuedOutput;
  wants.idle = out.empty() && !lines_.has_partial();
  return wants;
}

}  // namespace muxd::echo
