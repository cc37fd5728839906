// --model poll: one thread waits in poll(2) for every socket of its worker.
//
// Unlike select(2) there is no FD_SETSIZE: the set is an array of pollfd, as
// long as the connections. But the cost per wake-up is the same in kind:
// the kernel copies and scans the whole array on every call, and the loop
// walks it again to find the ready ones, so a wake-up for one busy client
// among 10,000 idle ones costs O(10,000). epoll(7) keeps the interest set in
// the kernel and returns only what is ready; that is the difference the C10K
// lab measures.
//
// The array is rebuilt on every pass rather than maintained incrementally:
// what each connection waits for (read, write, nothing) changes with most
// requests, the kernel's walk is O(n) anyway, and rebuilding keeps the array
// trivially in step with the table (no stale slots after a close).
#include <poll.h>

#include <cerrno>
#include <system_error>

#include "http/models/connection_table.h"

namespace muxd::http {
namespace {

class PollWorker final : public ReadinessWorker {
 public:
  using ReadinessWorker::ReadinessWorker;

 private:
  void run() override;
  void watch();

  std::vector<pollfd> fds_;  // [0] the wake-up eventfd, [1] the listener (-1: ignored), then drivers
};

void PollWorker::run() {
  while (!table_.finished()) {
    watch();
    if (::poll(fds_.data(), fds_.size(), table_.wait_ms()) < 0 && errno != EINTR)
      throw std::system_error(errno, std::generic_category(), "poll");
    ConnectionTable::Clock::time_point now = table_.begin_pass();
    if (fds_[0].revents) table_.clear_wakeup();
    for (size_t i = 2; i < fds_.size(); ++i) {
      short ready = fds_[i].revents;  // POLLERR and POLLHUP come unasked: let the driver see them
      if (ready) table_.on_ready(fds_[i].fd, ready & (POLLIN | POLLERR | POLLHUP), ready & (POLLOUT | POLLERR | POLLHUP), now);
    }
    if (fds_[1].revents) table_.accept_pending(now);
    table_.run_deadlines(now);
  }
}

// A driver that wants neither (waiting for a deadline only) is left out.
void PollWorker::watch() {
  fds_.clear();
  fds_.push_back({table_.wake_fd(), POLLIN, 0});
  fds_.push_back({table_.listen_fd(), POLLIN, 0});  // poll(2) ignores a negative fd
  table_.for_each([this](SessionDriver& driver) {
    short events = (driver.wants_read() ? POLLIN : 0) | (driver.wants_write() ? POLLOUT : 0);
    if (events) fds_.push_back({driver.fd(), events, 0});
  });
}

}  // namespace

std::unique_ptr<ServiceWorker> make_poll_worker(const ModelContext& context) {
  return std::make_unique<PollWorker>(context);
}

}  // namespace muxd::http
