#pragma once
// Timeouts for many connections at O(1) each.
//
// A TimerQueue holds timers of one fixed duration, so arming appends at the tail
// and the list stays sorted by deadline: arm, re-arm and cancel are O(1) and a
// tick touches only the timers that expire. A server has a handful of timeout
// kinds (header, idle, write...), hence a handful of queues. This is the
// libev "fixed timeout list" idea; a heap or wheel would pay for generality
// nobody here needs.
#include <chrono>
#include <functional>
#include <optional>

#include "core/event_loop.h"

namespace muxd {

class TimerQueue;

class Timer {
 public:
  explicit Timer(std::function<void()> on_expire) : on_expire_(std::move(on_expire)) {}
  ~Timer() { cancel(); }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  bool armed() const { return queue_ != nullptr; }
  void cancel();

 private:
  friend class TimerQueue;
  std::function<void()> on_expire_;
  TimerQueue* queue_ = nullptr;
  Timer* prev_ = nullptr;
  Timer* next_ = nullptr;
  EventLoop::Clock::time_point deadline_{};
};

class TimerQueue {
 public:
  TimerQueue(EventLoop& loop, std::chrono::milliseconds duration);
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // (Re)starts `timer`: it fires `duration` after the loop's now().
  void arm(Timer& timer);
  std::chrono::milliseconds duration() const { return duration_; }

 private:
  friend class EventLoop;
  friend class Timer;
  void unlink(Timer& timer);
  void expire(EventLoop::Clock::time_point now);
  std::optional<EventLoop::Clock::time_point> next_deadline() const;

  EventLoop& loop_;
  std::chrono::milliseconds duration_;
  Timer* head_ = nullptr;
  Timer* tail_ = nullptr;
};

}  // namespace muxd
