#include "core/worker_pool.h"

#include <unistd.h>

namespace muxd {

WorkerPool::WorkerPool(size_t count) {
  for (size_t i = 0; i < count; ++i) loops_.push_back(std::make_unique<EventLoop>());
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::start() {
  for (auto& loop : loops_) threads_.emplace_back([&loop] { loop->run(); });
}

void WorkerPool::stop() {
  for (auto& loop : loops_) loop->quit();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

size_t WorkerPool::default_count() {
  long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? static_cast<size_t>(online) : 1;
}

}  // namespace muxd
