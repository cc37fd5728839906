#include "core/mailbox.h"

#include <unistd.h>

#include <cstdint>
#include <utility>

namespace muxd {

void Mailbox::post(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
  }
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);  // EAGAIN: already readable
}

// Swapped out under the lock, run outside it: a function may post again
// (that one runs on the next pass), and posting threads never wait on one.
void Mailbox::run_all() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return;
    batch.swap(queue_);
  }
  for (auto& fn : batch) fn();
}

}  // namespace muxd
