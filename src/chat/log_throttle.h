#pragma once
// Caps how many lines a noisy source may log per second, so that a flood of
// bad datagrams cannot turn into a flood of log lines. What was held back is
// counted and reported once the next second starts.
#include <chrono>
#include <cstddef>

namespace muxd::chat {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LogThrottle(size_t lines_per_second) : limit_(lines_per_second) {}

  // True when a line may be logged now.
  bool allow(Clock::time_point now);
  // Lines held back in the previous window(s), reported once: 0 afterwards.
  size_t take_suppressed();

 private:
  size_t limit_;
  size_t used_ = 0;
  size_t suppressed_this_window_ = 0;
  size_t suppressed_to_report_ = 0;
  Clock::time_point window_start_{};
};

}  // namespace muxd::chat
