#pragma once
// EventLoop: one epoll reactor, run by one thread (muduo's "one loop per thread").
//
// Everything registered on a loop is touched only by its thread; other threads
// talk to it through run_in_loop(), which wakes it through an eventfd.
#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/buffer.h"
#include "core/unique_fd.h"

namespace muxd {

class TimerQueue;

// Whatever owns a descriptor registered on a loop. epoll hands the pointer back.
class Watcher {
 public:
  virtual ~Watcher() = default;
  virtual void handle_events(uint32_t epoll_events) = 0;
  // handle_events threw: the loop has logged it and goes on. A watcher that
  // owns a connection closes it here, so one client's fault stays its own.
  virtual void handle_failure() {}
};

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using TimerId = std::pair<Clock::time_point, uint64_t>;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  void run();   // until quit(); the calling thread becomes the loop's thread
  void quit();  // any thread

  // Any thread: runs `fn` on the loop's thread (now, when already there).
  void run_in_loop(std::function<void()> fn);
  // Loop thread: runs `fn` after the current batch of events. Destroy objects
  // here, never inside their own handler: the batch may still name them.
  void post(std::function<void()> fn);
  // The one deferred-delete scheme: `object` dies after the current batch.
  template <typename T>
  void destroy_later(std::unique_ptr<T> object) {
    if (object) post([raw = object.release()] { delete raw; });
  }

  void add(int fd, uint32_t events, Watcher* watcher);
  void modify(int fd, uint32_t events, Watcher* watcher);
  void remove(int fd);

  // Read space shared by the loop's connections: one read lands here, and a
  // connection copies out only the unfinished tail it must keep. Null while
  // lent out (a handler that starts another connection reads into its own).
  Buffer* borrow_scratch();
  void return_scratch() { scratch_lent_ = false; }

  // Time of the latest wake-up: cheap, and the same for a whole batch.
  Clock::time_point now() const { return now_; }

  // One-off timers for rare events (O(log n)); per-connection timeouts belong
  // in a TimerQueue, which is O(1).
  TimerId run_after(Clock::duration delay, std::function<void()> fn);
  void cancel(TimerId id);

  bool in_loop_thread() const;
  void assert_in_loop_thread() const;

 private:
  friend class TimerQueue;
  class Waker;

  int poll_timeout_ms() const;
  void dispatch(int ready);
  void expire_timers();
  void run_remote_calls();
  void run_posted();
  template <typename Fn>
  void contain(const char* what, Fn&& fn);

  UniqueFd epoll_fd_;
  UniqueFd wake_fd_;
  std::unique_ptr<Waker> waker_;
  std::atomic<bool> quit_{false};
  std::atomic<std::thread::id> owner_{};
  Clock::time_point now_;
  std::vector<epoll_event> events_;
  Buffer scratch_;
  bool scratch_lent_ = false;

  std::mutex remote_mutex_;
  std::vector<std::function<void()>> remote_calls_;
  std::vector<std::function<void()>> posted_;

  std::vector<TimerQueue*> timer_queues_;
  std::map<TimerId, std::function<void()>> one_off_timers_;
  uint64_t next_timer_seq_ = 0;
};

}  // namespace muxd
