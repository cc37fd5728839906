#include "core/async_socket.h"

#include <sys/epoll.h>

#include <utility>

namespace muxd {

bool Wait::await_suspend(Task::Handle task) {
  Task::promise_type& promise = task.promise();
  if (promise.take_stop()) {
    wake_.stopped = true;
    return false;
  }
  // The loop's clock, which the caller computed its deadline from: a deadline
  // met here is met for the caller too (no spinning on a stale now()).
  if (deadline_ && *deadline_ <= loop_.now()) {
    wake_.timed_out = true;
    return false;
  }
  task_ = task;
  if (socket_) socket_->watch(events_, this);
  if (deadline_) timer_ = loop_.run_after(*deadline_ - EventLoop::Clock::now(), [this] { resume({.timed_out = true}); });
  promise.waiter = this;
  return true;
}

// Disarms first, so that nothing else resumes this wait, then resumes the
// task. The task may run to its end and free the frame this Wait lives in:
// nothing here touches `this` after resume().
void Wait::resume(Wake wake) {
  wake_ = wake;
  disarm();
  std::exchange(task_, {}).resume();
}

void Wait::disarm() {
  if (timer_) loop_.cancel(*std::exchange(timer_, std::nullopt));  // a fired timer: no-op
  if (socket_ && socket_->waiter_ == this) socket_->waiter_ = nullptr;
  if (task_ && task_.promise().waiter == this) task_.promise().waiter = nullptr;
}

Wait AsyncSocket::wait(bool read, bool write, Wait::Deadline deadline) {
  uint32_t events = (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u);
  return Wait(loop_, this, events, deadline);
}

// Level-triggered epoll reports EPOLLHUP/EPOLLERR even for an empty interest
// set, so "no interest" means out of epoll altogether.
void AsyncSocket::watch(uint32_t events, Wait* waiter) {
  if (events == 0) {
    unregister();
  } else if (registered_ == 0) {
    loop_.add(fd_, events, this);
  } else if (events != registered_) {
    loop_.modify(fd_, events, this);
  }
  registered_ = events;
  waiter_ = waiter;
}

void AsyncSocket::unregister() {
  if (registered_ != 0) loop_.remove(fd_);
  registered_ = 0;
}

void AsyncSocket::poke() {
  if (Wait* waiter = std::exchange(waiter_, nullptr)) waiter->resume({});
}

// On the loop, inside its batch of events: resumes the waiting task, which
// may end and destroy this socket; nothing touches `this` after that. (The
// batch holds no other event for it: epoll reports a descriptor once per
// epoll_wait, and only its own task destroys it.)
void AsyncSocket::handle_events(uint32_t events) {
  Wait* waiter = std::exchange(waiter_, nullptr);
  if (waiter == nullptr) {
    // Its task is busy elsewhere (sleeping, say): level-triggered epoll would
    // report this again on every turn of the loop. The next wait re-registers.
    return unregister();
  }
  constexpr uint32_t kFailed = EPOLLHUP | EPOLLERR;
  Wake wake;
  wake.readable = (registered_ & EPOLLIN) && (events & (EPOLLIN | kFailed));
  wake.writable = (registered_ & EPOLLOUT) && (events & (EPOLLOUT | kFailed));
  waiter->resume(wake);
}

}  // namespace muxd
