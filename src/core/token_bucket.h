#pragma once
// A token bucket: `rate` tokens per second, at most `burst` saved up. Each
// allowed event takes one token; an empty bucket refuses.
#include <chrono>

namespace muxd {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  TokenBucket(double rate_per_second, double burst, Clock::time_point now)
      : rate_(rate_per_second), burst_(burst), tokens_(burst), updated_(now) {}

  bool take(Clock::time_point now);

 private:
  void refill(Clock::time_point now);

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point updated_;
};

}  // namespace muxd
