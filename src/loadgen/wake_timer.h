#pragma once
// WakeTimer: one timerfd on a loop, for the --rate schedule. The loop's own
// timers have millisecond resolution (epoll_wait's timeout), and a paced
// request that leaves up to a millisecond late would add that much to
// latencies measured from its intended time; a timerfd armed at an absolute
// CLOCK_MONOTONIC time (std::chrono::steady_clock's clock) wakes the loop
// within microseconds (timerfd_create(2)).
#include <chrono>
#include <functional>

#include "core/event_loop.h"
#include "core/unique_fd.h"

namespace muxd::loadgen {

class WakeTimer : public Watcher {
 public:
  WakeTimer(EventLoop& loop, std::function<void()> on_fire);
  ~WakeTimer() override;
  WakeTimer(const WakeTimer&) = delete;
  WakeTimer& operator=(const WakeTimer&) = delete;

  // (Re)arms it; one firing at `when` (at once when `when` has passed). Arming
  // it again for the same time costs no system call.
  void arm_at(EventLoop::Clock::time_point when);
  bool armed() const { return armed_; }

  void handle_events(uint32_t events) override;

 private:
  EventLoop& loop_;
  UniqueFd fd_;
  std::function<void()> on_fire_;
  bool armed_ = false;
  EventLoop::Clock::time_point when_{};
};

}  // namespace muxd::loadgen
