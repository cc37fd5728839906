#pragma once
// Pacer: the intended send times of a fixed-rate schedule (--rate),
// t_k = start + k / rate, sans-IO.
//
// Why intended times: a closed-loop client that waits for each answer
// before it sends the next stops sending while the server stalls, so the
// stall shows as one slow request instead of the thousands that a real
// stream of users would have seen waiting ("coordinated omission", Gil
// Tene; wrk2's fix). With a schedule, a request that could not go out on
// time (every connection busy) still counts from when it should have gone,
// so its latency includes the wait.
#include <chrono>
#include <cstdint>

namespace muxd::loadgen {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  Pacer(double per_second, Clock::time_point start) : interval_ns_(1e9 / per_second), start_(start) {}

  // The intended time of the next request not yet taken.
  Clock::time_point next() const { return at(taken_); }
  void take() { ++taken_; }
  uint64_t taken() const { return taken_; }
  // How many requests are due by `now` and not taken yet.
  uint64_t behind(Clock::time_point now) const;

 private:
  // From the start each time (not by adding intervals), so rounding never drifts.
  Clock::time_point at(uint64_t k) const {
    return start_ + std::chrono::nanoseconds(static_cast<int64_t>(static_cast<double>(k) * interval_ns_));
  }

  double interval_ns_;
  Clock::time_point start_;
  uint64_t taken_ = 0;
};

}  // namespace muxd::loadgen
