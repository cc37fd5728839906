#pragma once
// Mailbox: functions posted from any thread, run later on one loop's thread.
//
// EventLoop has this built in (run_in_loop). The --model loops that are not
// an EventLoop (nonblocking, select, poll: ConnectionTable; io_uring:
// UringLoop) each wait on an eventfd of their own already, for stop
// requests; a Mailbox posts through the same descriptor: post() queues the
// function and makes `wake_fd` readable, and the loop calls run_all() once
// per pass. A WorkThreads job's completion comes home this way (work_pool.h).
//
// Functions still queued when the Mailbox is destroyed are destroyed unrun,
// as EventLoop's are: what they capture must be safe to drop.
#include <functional>
#include <mutex>
#include <vector>

namespace muxd {

class Mailbox {
 public:
  // `wake_fd`: an eventfd the loop waits on; the Mailbox does not own it.
  explicit Mailbox(int wake_fd) : wake_fd_(wake_fd) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  void post(std::function<void()> fn);  // any thread
  void run_all();                        // the loop's thread: what was posted before the call

 private:
  int wake_fd_;
  std::mutex mutex_;
  std::vector<std::function<void()>> queue_;  // guarded by mutex_
};

}  // namespace muxd
