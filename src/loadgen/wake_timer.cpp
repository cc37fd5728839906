#include "loadgen/wake_timer.h"

#include <sys/epoll.h>
#include <sys/timerfd.h>

#include <cerrno>
#include <system_error>

namespace muxd::loadgen {

WakeTimer::WakeTimer(EventLoop& loop, std::function<void()> on_fire)
    : loop_(loop), fd_(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)), on_fire_(std::move(on_fire)) {
  if (!fd_) throw std::system_error(errno, std::generic_category(), "timerfd_create");
  loop_.add(fd_.get(), EPOLLIN, this);
}

WakeTimer::~WakeTimer() { loop_.remove(fd_.get()); }

void WakeTimer::arm_at(EventLoop::Clock::time_point when) {
  if (armed_ && when == when_) return;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch()).count();
  if (ns <= 0) ns = 1;  // zero would disarm it
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  if (::timerfd_settime(fd_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) != 0)
    throw std::system_error(errno, std::generic_category(), "timerfd_settime");
  armed_ = true;
  when_ = when;
}

void WakeTimer::handle_events(uint32_t) {
  uint64_t expirations = 0;
  if (::read(fd_.get(), &expirations, sizeof expirations) != sizeof expirations) return;  // EAGAIN: re-armed since
  armed_ = false;
  on_fire_();
}

}  // namespace muxd::loadgen
