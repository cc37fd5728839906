#include "chat/log_throttle.h"

namespace muxd::chat {

bool LogThrottle::allow(Clock::time_point now) {
  if (now - window_start_ >= std::chrono::seconds(1)) {
    window_start_ = now;
    used_ = 0;
    suppressed_to_report_ += suppressed_this_window_;
    suppressed_this_window_ = 0;
  }
  if (used_ < limit_) {
    ++used_;
    return true;
  }
  ++suppressed_this_window_;
  return false;
}

size_t LogThrottle::take_suppressed() {
  const size_t count = suppressed_to_report_;
  suppressed_to_report_ = 0;
  return count;
}

}  // namespace muxd::chat
