#include "core/task.h"

#include <exception>

#include "core/log.h"

namespace muxd {

// Called inside the coroutine's implicit catch block: the exception is
// current. The frame's locals are already gone (a connection's socket is
// closed); final_suspend follows and frees the frame.
void Task::promise_type::unhandled_exception() noexcept {
  try {
    throw;
  } catch (const std::exception& error) {
    log_error("task: {}; it ends", error.what());
  } catch (...) {
    log_error("task: unknown exception; it ends");
  }
}

Task::promise_type::~promise_type() {
  if (group) group->leave(*this);
}

void TaskGroup::spawn(Task task) {
  Task::Handle handle = std::exchange(task.handle_, {});
  Task::promise_type& promise = handle.promise();
  promise.group = this;
  promise.next = head_;
  if (head_) head_->prev = &promise;
  head_ = &promise;
  ++count_;
  handle.resume();  // may end the task (and free its frame) before returning
}

// A task resumed here may end and leave the list; no other task can (tasks
// do not end each other), so `next` read first stays valid.
void TaskGroup::stop_all() {
  for (Task::promise_type* task = head_; task != nullptr;) {
    Task::promise_type* next = task->next;
    if (StopWaiter* waiter = std::exchange(task->waiter, nullptr)) {
      waiter->on_stop_requested();  // delivered: nothing stays pending
    } else {
      task->stop_pending = true;  // running now: its next wait takes it
    }
    task = next;
  }
}

void TaskGroup::when_empty(std::function<void()> fn) {
  if (count_ == 0) return fn();
  when_empty_ = std::move(fn);
}

void TaskGroup::destroy_all() {
  when_empty_ = nullptr;
  while (head_ != nullptr) Task::Handle::from_promise(*head_).destroy();  // ~promise_type unlinks it
}

void TaskGroup::leave(Task::promise_type& task) {
  if (task.prev) task.prev->next = task.next;
  if (task.next) task.next->prev = task.prev;
  if (head_ == &task) head_ = task.next;
  task.group = nullptr;
  if (--count_ == 0 && when_empty_) std::exchange(when_empty_, nullptr)();
}

}  // namespace muxd
