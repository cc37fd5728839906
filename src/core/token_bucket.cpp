#include "core/token_bucket.h"

#include <algorithm>

namespace muxd {

bool TokenBucket::take(Clock::time_point now) {
  refill(now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= updated_) return;  // the clock is steady; never refill backwards
  const std::chrono::duration<double> elapsed = now - updated_;
  tokens_ = std::min(burst_, tokens_ + elapsed.count() * rate_);
  updated_ = now;
}

}  // namespace muxd
