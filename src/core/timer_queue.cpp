#include "core/timer_queue.h"

#include <algorithm>

namespace muxd {

void Timer::cancel() {
  if (queue_) queue_->unlink(*this);
}

TimerQueue::TimerQueue(EventLoop& loop, std::chrono::milliseconds duration)
    : loop_(loop), duration_(duration) {
  loop_.timer_queues_.push_back(this);
}

TimerQueue::~TimerQueue() {
  while (head_) unlink(*head_);
  auto& queues = loop_.timer_queues_;
  queues.erase(std::remove(queues.begin(), queues.end(), this), queues.end());
}

void TimerQueue::arm(Timer& timer) {
  if (timer.queue_) timer.queue_->unlink(timer);
  timer.deadline_ = loop_.now() + duration_;
  timer.queue_ = this;
  timer.prev_ = tail_;
  timer.next_ = nullptr;
  (tail_ ? tail_->next_ : head_) = &timer;
  tail_ = &timer;
}

void TimerQueue::unlink(Timer& timer) {
  (timer.prev_ ? timer.prev_->next_ : head_) = timer.next_;
  (timer.next_ ? timer.next_->prev_ : tail_) = timer.prev_;
  timer.prev_ = timer.next_ = nullptr;
  timer.queue_ = nullptr;
}

// The callback may arm, cancel or destroy any timer, so the head is re-read
// every round instead of walking saved pointers.
void TimerQueue::expire(EventLoop::Clock::time_point now) {
  while (head_ && head_->deadline_ <= now) {
    Timer& timer = *head_;
    unlink(timer);
    timer.on_expire_();
  }
}

std::optional<EventLoop::Clock::time_point> TimerQueue::next_deadline() const {
  if (!head_) return std::nullopt;
  return head_->deadline_;
}

}  // namespace muxd
