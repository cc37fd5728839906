#pragma once
// WorkerPool: N threads, each running its own EventLoop. Set the loops up from
// the main thread before start(); afterwards reach them with run_in_loop().
#include <memory>
#include <thread>
#include <vector>

#include "core/event_loop.h"

namespace muxd {

class WorkerPool {
 public:
  explicit WorkerPool(size_t count);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  size_t size() const { return loops_.size(); }
  EventLoop& loop(size_t index) { return *loops_[index]; }

  void start();
  void stop();  // quits every loop and joins its thread

  static size_t default_count();  // online CPUs

 private:
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::vector<std::thread> threads_;
};

}  // namespace muxd
