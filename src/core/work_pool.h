#pragma once
// WorkPool: blocking work (database queries) off the event loops.
//
// A fixed set of threads, each with a context of its own that only it ever
// touches (a database connection: SQLite and libpq connections must not be
// shared between threads), and one bounded queue in front of them. A loop
// submits a job with try_submit(): false when the queue is full, so the
// caller sheds load (a busy reply, a dropped datagram) instead of queueing
// without bound. The job runs on some pool thread with that thread's context
// and returns a completion, which runs back on the submitting loop
// (EventLoop::run_in_loop, or the Deliver the caller gave: a Mailbox for the
// --model loops): results reach the loop's objects on the loop's own thread,
// so they need no locks.
//
// Lifetime: stop() (or the destructor) drops the jobs still queued, lets the
// running ones finish and joins the threads. Completions go to loops by
// reference, so stop the pool before any loop it serves is destroyed; a
// ServiceWorker's destructor is the place (the scaffold destroys workers
// after their loops stopped running and before it destroys the loops). A
// completion that reaches a loop that no longer runs is never run, only
// destroyed with that loop. Whatever a completion captures must therefore be
// safe to destroy without running, and must check that its target still
// lives (SessionConnection's resume does).
//
// Jobs should catch their own errors: an exception that escapes one is
// logged and its completion is lost.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/event_loop.h"

namespace muxd {

// The untyped part: threads and the bounded queue.
class WorkThreads {
 public:
  using Completion = std::function<void()>;
  // Runs on pool thread number `thread`; returns what to run on the loop (may be empty).
  using Task = std::function<Completion(size_t thread)>;

  WorkThreads(size_t threads, size_t capacity);
  ~WorkThreads();
  WorkThreads(const WorkThreads&) = delete;
  WorkThreads& operator=(const WorkThreads&) = delete;

  // How a completion reaches its loop: EventLoop::run_in_loop, or a Mailbox
  // (mailbox.h) for the --model loops that are not an EventLoop.
  using Deliver = std::function<void(Completion)>;

  // Any thread. False (and `task` untouched by any thread) when the queue
  // holds `capacity` jobs already or the pool has stopped.
  bool try_submit(EventLoop& loop, Task task);
  bool try_submit(Deliver deliver, Task task);
  void stop();  // idempotent, any thread but a pool thread

  size_t size() const { return threads_.size(); }
  size_t capacity() const { return capacity_; }
  size_t queued() const;

 private:
  struct Job {
    Deliver deliver;
    Task task;
  };
  void run(size_t index);

  size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// One context per thread: WorkPool<Store> gives each job the Store of the
// thread that runs it.
template <typename Context>
class WorkPool {
 public:
  using Completion = WorkThreads::Completion;
  using Work = std::function<Completion(Context&)>;

  // One thread per context. The contexts are made by the caller (on its
  // thread, so that a failure to make one can refuse to start the server).
  WorkPool(std::vector<std::unique_ptr<Context>> contexts, size_t capacity)
      : contexts_(std::move(contexts)), threads_(contexts_.size(), capacity) {}

  bool try_submit(EventLoop& loop, Work work) {
    return threads_.try_submit(loop, [this, work = std::move(work)](size_t thread) mutable {
      return work(*contexts_[thread]);
    });
  }
  void stop() { threads_.stop(); }

  size_t size() const { return threads_.size(); }
  size_t capacity() const { return threads_.capacity(); }
  size_t queued() const { return threads_.queued(); }

 private:
  std::vector<std::unique_ptr<Context>> contexts_;
  WorkThreads threads_;  // last: joined before the contexts are destroyed
};

}  // namespace muxd
