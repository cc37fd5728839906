#include "core/work_pool.h"

#include <exception>

#include "core/log.h"

namespace muxd {

WorkThreads::WorkThreads(size_t threads, size_t capacity) : capacity_(capacity) {
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this, i] { run(i); });
}

WorkThreads::~WorkThreads() { stop(); }

bool WorkThreads::try_submit(EventLoop& loop, Task task) {
  return try_submit([&loop](Completion completion) { loop.run_in_loop(std::move(completion)); }, std::move(task));
}

bool WorkThreads::try_submit(Deliver deliver, Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= capacity_) return false;
    queue_.push_back(Job{std::move(deliver), std::move(task)});
  }
  ready_.notify_one();
  return true;
}

void WorkThreads::stop() {
  std::deque<Job> dropped;  // destroyed outside the lock: captures may be heavy
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  ready_.notify_all();
  for (auto& thread : threads_)
    if (thread.joinable()) thread.join();
}

size_t WorkThreads::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkThreads::run(size_t index) {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    Completion completion;
    try {
      completion = job.task(index);
    } catch (const std::exception& error) {
      log_error("work pool: a job failed: {}", error.what());
    } catch (...) {
      log_error("work pool: a job failed");
    }
    job.task = nullptr;  // its captures die here, on this thread, not on the loop
    if (completion) job.deliver(std::move(completion));
  }
}

}  // namespace muxd
