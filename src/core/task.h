#pragma once
// Task and TaskGroup: C++20 coroutines as connections, owned by a worker.
//
// A Task is a coroutine that nobody awaits (fire-and-forget, as asyncio's
// create_task or gevent's spawn): the worker hands it to its TaskGroup,
// which starts it at once and keeps it in a list while it lives, so that a
// graceful stop can reach every live task (stop_all) and the worker's
// destructor can destroy the tasks still suspended (their frames' locals,
// awaiters included, unregister what they had registered: async_socket.h).
//
// A task's frame frees itself when its body ends (final_suspend never
// suspends); an exception that escapes the body is logged and ends that task
// only. Nothing here is thread-safe: a group, its tasks and the loop they wait
// on belong to one thread.
//
// The stop signal: stop_all() leaves a stop request with each task. The wait
// the task is suspended in (or its next one) resumes with `stopped`, once;
// the task decides what stopping means (finish what is in flight, say).
#include <coroutine>
#include <cstddef>
#include <functional>
#include <utility>

namespace muxd {

class TaskGroup;

// The awaiter a task is suspended in, as the task's stop signal sees it.
class StopWaiter {
 public:
  // Resume the task now, reporting "stopped".
  virtual void on_stop_requested() = 0;

 protected:
  ~StopWaiter() = default;
};

class Task {
 public:
  struct promise_type {
    Task get_return_object() noexcept { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    // Created suspended: TaskGroup::spawn links the task in, then starts it.
    std::suspend_always initial_suspend() noexcept { return {}; }
    // The frame frees itself at the end; ~promise_type leaves the group.
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept;  // logged; the frame then ends
    ~promise_type();

    // Takes a pending stop request (each is delivered once).
    bool take_stop() noexcept { return std::exchange(stop_pending, false); }

    bool stop_pending = false;
    StopWaiter* waiter = nullptr;  // set by the awaiter while suspended
    TaskGroup* group = nullptr;
    promise_type* prev = nullptr;
    promise_type* next = nullptr;
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();  // never spawned: it never ran either
  }

 private:
  friend class TaskGroup;
  explicit Task(Handle handle) : handle_(handle) {}
  Handle handle_;
};

class TaskGroup {
 public:
  TaskGroup() = default;
  ~TaskGroup() { destroy_all(); }
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Runs `task` now, until its first suspension (or its end).
  void spawn(Task task);
  // Leaves a stop request with every live task; a suspended one resumes now.
  void stop_all();
  // `fn` runs once no task is left: at once when there is none, else when
  // the last one ends (from inside that task's end: keep `fn` short).
  void when_empty(std::function<void()> fn);
  // Destroys every task where it is suspended (its locals' destructors run;
  // when_empty is not called).
  void destroy_all();

  size_t size() const { return count_; }

 private:
  friend struct Task::promise_type;
  void leave(Task::promise_type& task);

  Task::promise_type* head_ = nullptr;
  size_t count_ = 0;
  std::function<void()> when_empty_;
};

}  // namespace muxd
