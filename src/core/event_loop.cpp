#include "core/event_loop.h"

#include <sys/eventfd.h>

#include <cassert>
#include <cerrno>
#include <system_error>

#include "core/log.h"
#include "core/timer_queue.h"

namespace muxd {

// Drains the eventfd that other threads write to wake the loop.
class EventLoop::Waker : public Watcher {
 public:
  explicit Waker(int fd) : fd_(fd) {}
  void handle_events(uint32_t) override {
    uint64_t count;
    [[maybe_unused]] ssize_t n = ::read(fd_, &count, sizeof(count));
  }

 private:
  int fd_;
};

EventLoop::EventLoop()
    : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      now_(Clock::now()),
      events_(512) {
  if (!epoll_fd_ || !wake_fd_) throw std::system_error(errno, std::generic_category(), "epoll/eventfd");
  waker_ = std::make_unique<Waker>(wake_fd_.get());
  add(wake_fd_.get(), EPOLLIN, waker_.get());
}

// Objects posted for deletion still die: a loop that stops mid-batch leaks nothing.
EventLoop::~EventLoop() {
  owner_ = std::this_thread::get_id();
  run_posted();
}

// Fault containment: an exception from one handler (std::bad_alloc, an
// epoll_ctl failure turned into std::system_error...) is logged and ends
// that handler's work, never the worker thread or the process.
template <typename Fn>
void EventLoop::contain(const char* what, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& error) {
    log_error("{}: {}", what, error.what());
  } catch (...) {
    log_error("{}: unknown exception", what);
  }
}

Buffer* EventLoop::borrow_scratch() {
  assert_in_loop_thread();
  if (scratch_lent_) return nullptr;
  scratch_lent_ = true;
  scratch_.clear();
  return &scratch_;
}

void EventLoop::run() {
  owner_ = std::this_thread::get_id();
  while (!quit_.load(std::memory_order_acquire)) {
    int ready = ::epoll_wait(epoll_fd_.get(), events_.data(), static_cast<int>(events_.size()),
                             poll_timeout_ms());
    now_ = Clock::now();
    if (ready < 0 && errno != EINTR) log_error("epoll_wait: {}", std::strerror(errno));
    if (ready > 0) dispatch(ready);
    expire_timers();
    run_remote_calls();
    run_posted();
  }
  owner_ = std::thread::id{};  // the owner may now tear down what was on the loop
}

void EventLoop::quit() {
  quit_.store(true, std::memory_order_release);
  if (!in_loop_thread()) run_in_loop([] {});
}

void EventLoop::dispatch(int ready) {
  for (int i = 0; i < ready; ++i) {
    auto* watcher = static_cast<Watcher*>(events_[i].data.ptr);
    try {
      watcher->handle_events(events_[i].events);
    } catch (const std::exception& error) {
      log_error("event handler: {}; closing what it served", error.what());
      scratch_lent_ = false;
      contain("closing after a failure", [watcher] { watcher->handle_failure(); });
    }
  }
  // A full batch suggests more are waiting: take more next time.
  if (ready == static_cast<int>(events_.size()) && events_.size() < 8192) events_.resize(events_.size() * 2);
}

void EventLoop::run_in_loop(std::function<void()> fn) {
  if (in_loop_thread()) {
    fn();
    return;
  }
  {
    std::lock_guard lock(remote_mutex_);
    remote_calls_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_.get(), &one, sizeof(one));
}

void EventLoop::post(std::function<void()> fn) { posted_.push_back(std::move(fn)); }

void EventLoop::run_remote_calls() {
  std::vector<std::function<void()>> calls;
  {
    std::lock_guard lock(remote_mutex_);
    if (remote_calls_.empty()) return;
    calls.swap(remote_calls_);
  }
  for (auto& call : calls) contain("cross-thread call", call);
}

// Posted functions may post more; run until none are left.
void EventLoop::run_posted() {
  while (!posted_.empty()) {
    std::vector<std::function<void()>> batch;
    batch.swap(posted_);
    for (auto& fn : batch) contain("posted call", fn);
  }
}

void EventLoop::add(int fd, uint32_t events, Watcher* watcher) {
  assert_in_loop_thread();
  epoll_event event{events, {.ptr = watcher}};
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &event) != 0)
    throw std::system_error(errno, std::generic_category(), "epoll_ctl ADD");
}

void EventLoop::modify(int fd, uint32_t events, Watcher* watcher) {
  assert_in_loop_thread();
  epoll_event event{events, {.ptr = watcher}};
  if (::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_MOD, fd, &event) != 0)
    throw std::system_error(errno, std::generic_category(), "epoll_ctl MOD");
}

void EventLoop::remove(int fd) {
  assert_in_loop_thread();
  epoll_event event{};
  ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, &event);
}

EventLoop::TimerId EventLoop::run_after(Clock::duration delay, std::function<void()> fn) {
  TimerId id{Clock::now() + delay, next_timer_seq_++};
  one_off_timers_.emplace(id, std::move(fn));
  return id;
}

void EventLoop::cancel(TimerId id) { one_off_timers_.erase(id); }

void EventLoop::expire_timers() {
  for (size_t i = 0; i < timer_queues_.size(); ++i) contain("timeout", [&] { timer_queues_[i]->expire(now_); });
  while (!one_off_timers_.empty() && one_off_timers_.begin()->first.first <= now_) {
    auto fn = std::move(one_off_timers_.begin()->second);
    one_off_timers_.erase(one_off_timers_.begin());
    contain("timer", fn);
  }
}

int EventLoop::poll_timeout_ms() const {
  if (!posted_.empty()) return 0;
  std::optional<Clock::time_point> next;
  for (TimerQueue* queue : timer_queues_) {
    auto deadline = queue->next_deadline();
    if (deadline && (!next || *deadline < *next)) next = deadline;
  }
  if (!one_off_timers_.empty() && (!next || one_off_timers_.begin()->first.first < *next))
    next = one_off_timers_.begin()->first.first;
  if (!next) return -1;
  auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(wait, 0, 60'000));
}

bool EventLoop::in_loop_thread() const { return owner_.load() == std::this_thread::get_id(); }

void EventLoop::assert_in_loop_thread() const {
  assert(owner_.load() == std::thread::id{} || in_loop_thread());
}

}  // namespace muxd
