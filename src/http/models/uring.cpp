// --model uring: io_uring through liburing, one ring per worker.
//
// What goes through the ring (uring_loop.cpp):
//  - accepting: one multishot accept (Linux 5.19) on this worker's listening
//    socket of the SO_REUSEPORT group; it posts a CQE per connection.
//  - reading: one multishot receive (Linux 6.0) per connection, with buffers
//    from a provided-buffer ring (uring_ring.cpp): the kernel picks a buffer
//    when data arrives, the bytes go to the connection's SessionDriver
//    (deliver / deliver_eof), the buffer goes back at once. While a response
//    drains and the session holds input, the receive is cancelled (flow
//    control, as epoll stops reading) and armed again later; one the kernel
//    ends (ENOBUFS when every buffer was in use) is armed again too.
//  - waiting: one io_uring_submit_and_wait_timeout per loop turn submits
//    every SQE queued since the last turn and waits, in one io_uring_enter
//    (IORING_FEAT_EXT_ARG), until a CQE or the earliest timer.
//
// Writing is NOT done through the ring: the driver writes inline, as on epoll
// (OutputQueue::flush: writev, and sendfile(2) for file ranges), and only when
// the socket is full does a one-shot IORING_OP_POLL_ADD (POLLOUT) wait for
// room. Why: responses here are mostly small enough to go out in one writev
// on a socket that has room, where an IORING_OP_SEND would add a turn of
// latency and pin the OutputQueue's buffers until its CQE; and io_uring has
// no sendfile: IORING_OP_SPLICE needs a pipe per connection and two linked
// splices per chunk. The cost: the write syscalls are not batched.
//
// The loop is a loop of its own, run inside start() on the worker's thread,
// not the ring's fd registered on the EventLoop: then a turn is one
// io_uring_enter rather than epoll_wait plus io_uring_enter, which is the
// point of the model. So it keeps its own timers: the sessions' deadlines in
// a heap, waited for through the timeout of io_uring_submit_and_wait_timeout,
// and the access log's flush once a second. interrupt() (main thread) only
// sets a flag and writes an eventfd the ring polls; a graceful stop cancels
// the multishot accept, closes the listener, stops each session and returns
// from start() once all are closed (drain() then has nothing left to do).
//
// When the kernel refuses io_uring (io_uring_setup fails: ENOSYS, EPERM from
// kernel.io_uring_disabled or a container's seccomp filter, ENOMEM) or lacks a
// feature used here, the worker says so once and serves as --model epoll.
#include <atomic>
#include <memory>

#include "core/log.h"
#include "http/http_worker.h"
#include "http/models/model.h"
#include "http/models/uring_loop.h"

namespace muxd::http {
namespace {

constexpr unsigned kRingEntries = 4096;

class UringWorker final : public ServiceWorker {
 public:
  UringWorker(std::unique_ptr<UringRing> ring, const ModelContext& context)
      : loop_(std::move(ring), context) {}

  UniqueFd adopt_listener(size_t, UniqueFd fd) override {
    loop_.adopt_listener(std::move(fd));
    return {};
  }
  void start() override { loop_.run(); }  // returns once stopped
  void interrupt(bool now) override { loop_.interrupt(now); }

 private:
  UringLoop loop_;
};

// One line per process, not per worker: every worker meets the same kernel.
void note_fallback(const std::string& reason) {
  static std::atomic<bool> noted{false};
  if (!noted.exchange(true)) log_warn("muxd http: --model uring: io_uring unavailable ({}); serving with epoll", reason);
}

}  // namespace

std::unique_ptr<ServiceWorker> make_uring_worker(const ModelContext& context) {
  UringSupport support;
  std::unique_ptr<UringRing> ring = UringRing::open(kRingEntries, support);
  if (!ring) {
    note_fallback(uring_refusal(support));
    return make_epoll_worker(context);
  }
  return std::make_unique<UringWorker>(std::move(ring), context);
}

}  // namespace muxd::http
