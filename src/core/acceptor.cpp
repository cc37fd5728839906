#include "core/acceptor.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "core/log.h"

namespace muxd {
namespace {

constexpr int kMaxBatch = 64;
// How long a starved acceptor stops polling before it tries again (nginx
// disables accept events for 500 ms in the same situation).
constexpr auto kStarvedPause = std::chrono::milliseconds(100);
constexpr auto kLogInterval = std::chrono::seconds(1);

// The process's spare descriptor, and the turns acceptors take while
// descriptors are short (see acceptor.h).
std::mutex g_starving_mutex;
UniqueFd g_spare;  // guarded by g_starving_mutex
std::atomic<bool> g_starving{false};

bool out_of_descriptors(int error) { return error == EMFILE || error == ENFILE; }

// Under g_starving_mutex.
void take_spare() {
  if (!g_spare) g_spare.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
}

}  // namespace

Acceptor::Acceptor(EventLoop& loop, UniqueFd listen_fd, OnAccept on_accept)
    : loop_(loop), listen_fd_(std::move(listen_fd)), on_accept_(std::move(on_accept)) {
  std::lock_guard lock(g_starving_mutex);
  take_spare();
}

Acceptor::~Acceptor() { stop(); }

void Acceptor::start() {
  if (!listen_fd_ || polling_) return;
  loop_.add(listen_fd_.get(), EPOLLIN, this);
  polling_ = true;
}

void Acceptor::stop() {
  if (resume_timer_) loop_.cancel(*resume_timer_);
  resume_timer_.reset();
  if (!listen_fd_) return;
  if (polling_) loop_.remove(listen_fd_.get());
  polling_ = false;
  listen_fd_.reset();
}

// Accepts until the queue is empty, at most kMaxBatch per wake-up. One per
// wake-up would save a failing accept4 when connections trickle in, but
// measured with 10,000 clients connecting at once it leaves the late ones
// queued for thousands of loop rounds (p99 latency 1.2x nginx's); the bound
// keeps one wake-up from starving the connections already served.
void Acceptor::handle_events(uint32_t) {
  for (int accepted = 0; accepted < kMaxBatch && polling_; ++accepted) {
    if (g_starving.load(std::memory_order_relaxed)) {
      if (!accept_while_starving()) return;
      continue;
    }
    SocketAddress peer;
    int fd = ::accept4(listen_fd_.get(), peer.get(), peer.length_ptr(), SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      deliver(UniqueFd(fd), peer);
    } else if (out_of_descriptors(errno)) {
      g_starving.store(true, std::memory_order_relaxed);
    } else if (errno != EINTR && errno != ECONNABORTED) {
      if (errno != EAGAIN) log_error("accept: {}", std::strerror(errno));
      return;
    }
  }
}

// One accept (or one refusal) while descriptors are short, holding the turn.
// Returns false when the wake-up is over: queue empty, or paused.
bool Acceptor::accept_while_starving() {
  std::unique_lock lock(g_starving_mutex);
  SocketAddress peer;
  UniqueFd fd(::accept4(listen_fd_.get(), peer.get(), peer.length_ptr(), SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (fd) {
    g_starving.store(false, std::memory_order_relaxed);  // descriptors are back
    lock.unlock();
    deliver(std::move(fd), peer);
    return true;
  }
  if (!out_of_descriptors(errno)) return errno == EINTR || errno == ECONNABORTED;  // EAGAIN: done
  take_spare();
  if (!g_spare) {
    note(errno, "no spare descriptor, pausing for 100 ms");
    pause_listening();
    return false;
  }
  // Free the spare, accept and close one connection, take the spare back:
  // the peer sees a clean close instead of hanging in the backlog.
  g_spare.reset();
  UniqueFd refused(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  int error = errno;
  bool was_pending = refused.valid();
  refused.reset();  // first: the spare takes this very slot back
  take_spare();
  if (!was_pending) return error == EINTR || error == ECONNABORTED;  // EAGAIN: nothing was pending
  ++refused_;
  note(EMFILE, "refusing connections");
  return true;
}

void Acceptor::note(int error, const char* what) {
  auto now = loop_.now();
  if (now < next_log_) return;
  log_warn("accept: {}; {} ({} refused since the last report)", std::strerror(error), what, refused_);
  refused_ = 0;
  next_log_ = now + kLogInterval;
}

// Still starved: stop polling for a moment, then listen again. Connections
// wait in the backlog meanwhile; none is lost for good.
void Acceptor::pause_listening() {
  if (!polling_) return;
  loop_.remove(listen_fd_.get());
  polling_ = false;
  resume_timer_ = loop_.run_after(kStarvedPause, [this] {
    resume_timer_.reset();
    start();
  });
}

}  // namespace muxd
