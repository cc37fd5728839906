#pragma once
// AsyncSocket and Wait: a Task's blocking-looking waits on an EventLoop.
//
//   Wake wake = co_await socket.wait(read, write, deadline);  // a socket, a deadline
//   Wake wake = co_await socket.readable(deadline);
//   Wake wake = co_await sleep_until(loop, deadline);          // just the deadline
//
// read like poll(2) on one descriptor in the thread model, but only the task
// suspends; the loop's thread goes on with the others. A Wait resumes with
// what happened first: the socket became ready (epoll, through the
// AsyncSocket, a Watcher), the deadline passed (an EventLoop::run_after
// timer), or the task was asked to stop (TaskGroup::stop_all). Whoever
// resumes it first disarms the other two, so each wait resumes exactly once.
//
// Lifetimes: a Wait lives in the task's frame while the task is suspended in
// it. Destroying the frame there (TaskGroup::destroy_all) runs ~Wait, which
// cancels its timer and unhooks it from the socket and the stop signal; then
// ~AsyncSocket removes the descriptor from epoll. Nothing is left that could
// resume a freed frame.
//
// Trade-offs: the registration is kept between waits (epoll_ctl only when
// the interest changes, as TcpConnection does), so a keep-alive connection
// costs no system call beyond epoll_wait, read and write per request. Each
// wait with a deadline takes a run_after timer (a std::map node: O(log n)),
// where SessionHost's connections use O(1) TimerQueues; the driver gives
// absolute deadlines, and a map takes any of them.
#include <cstdint>
#include <optional>

#include "core/event_loop.h"
#include "core/task.h"

namespace muxd {

// What ended a wait. readable/writable may come together.
struct Wake {
  bool readable = false;
  bool writable = false;
  bool timed_out = false;
  bool stopped = false;
};

class AsyncSocket;

// The awaiter: co_await it inside a Task (only there: it needs the task's
// stop signal). Not movable: the loop and the socket point at it.
class Wait final : public StopWaiter {
 public:
  using Deadline = std::optional<EventLoop::Clock::time_point>;

  Wait(EventLoop& loop, AsyncSocket* socket, uint32_t events, Deadline deadline)
      : loop_(loop), socket_(socket), events_(events), deadline_(deadline) {}
  ~Wait() { disarm(); }
  Wait(const Wait&) = delete;
  Wait& operator=(const Wait&) = delete;

  bool await_ready() const noexcept { return false; }
  // Returns false (the task goes on at once) when a stop request is pending
  // or the deadline has passed; else arms the socket's interest, the timer
  // and the stop hook, and suspends. If arming throws, the task resumes with
  // the exception and ~Wait disarms what was armed.
  bool await_suspend(Task::Handle task);
  Wake await_resume() const noexcept { return wake_; }

 private:
  friend class AsyncSocket;
  // Called by AsyncSocket (epoll), the timer or the stop signal.
  void resume(Wake wake);
  void on_stop_requested() override { resume({.stopped = true}); }
  void disarm();

  EventLoop& loop_;
  AsyncSocket* socket_;
  uint32_t events_;
  Deadline deadline_;
  Wake wake_;
  Task::Handle task_;
  std::optional<EventLoop::TimerId> timer_;
};

// A non-blocking descriptor a task waits on. It does no IO itself: the task
// reads and writes as it likes when a wait says it can.
//
// Take it out of epoll (unwatch(), or destroy it) before the descriptor
// closes: once closed, the number is free, and another worker's accept may
// take it while an EPOLL_CTL_DEL naming it is on its way.
class AsyncSocket final : private Watcher {
 public:
  AsyncSocket(EventLoop& loop, int fd) : loop_(loop), fd_(fd) {}
  ~AsyncSocket() { unregister(); }
  AsyncSocket(const AsyncSocket&) = delete;
  AsyncSocket& operator=(const AsyncSocket&) = delete;

  // Neither read nor write: waits for the deadline or a stop only.
  Wait wait(bool read, bool write, Wait::Deadline deadline = std::nullopt);
  Wait readable(Wait::Deadline deadline = std::nullopt) { return wait(true, false, deadline); }
  Wait writable(Wait::Deadline deadline = std::nullopt) { return wait(false, true, deadline); }
  // Out of epoll now; the next wait puts it back.
  void unwatch() { unregister(); }
  // Ends the task's wait on this socket now, with an empty Wake, so that it
  // looks again at what to wait for (work done elsewhere changed that).
  // Loop thread, outside the task; the task may run to its end inside.
  void poke();

 private:
  friend class Wait;
  void watch(uint32_t events, Wait* waiter);
  void unregister();
  void handle_events(uint32_t events) override;

  EventLoop& loop_;
  int fd_;
  uint32_t registered_ = 0;  // the interest epoll has; 0: not in epoll
  Wait* waiter_ = nullptr;
};

inline Wait sleep_until(EventLoop& loop, EventLoop::Clock::time_point deadline) {
  return Wait(loop, nullptr, 0, deadline);
}

}  // namespace muxd
