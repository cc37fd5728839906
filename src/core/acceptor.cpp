#include "core/acceptor.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"

namespace muxd {

Acceptor::Acceptor(EventLoop& loop, UniqueFd listen_fd, OnAccept on_accept)
    : loop_(loop),
      listen_fd_(std::move(listen_fd)),
      on_accept_(std::move(on_accept)),
      spare_fd_(::open("/dev/null", O_RDONLY | O_CLOEXEC)) {}

Acceptor::~Acceptor() { stop(); }

void Acceptor::start() { loop_.add(listen_fd_.get(), EPOLLIN, this); }

void Acceptor::stop() {
  if (!listen_fd_) return;
  loop_.remove(listen_fd_.get());
  listen_fd_.reset();
}

// One accept per wake-up, as nginx without multi_accept: looping until
// EAGAIN costs a failing accept4 per wake-up when connections trickle in, and
// the level-triggered listener comes back in the next batch when more wait.
void Acceptor::handle_events(uint32_t) {
  for (int attempt = 0; attempt < 2 && listen_fd_; ++attempt) {
    SocketAddress peer;
    int fd = ::accept4(listen_fd_.get(), peer.get(), peer.length_ptr(), SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      on_accept_(UniqueFd(fd), peer);
      return;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (errno == EMFILE || errno == ENFILE) {
      log_warn("accept: {}; refusing a connection", std::strerror(errno));
      shed_one_connection();
      continue;
    }
    if (errno != EAGAIN) log_error("accept: {}", std::strerror(errno));
    return;
  }
}

// Out of descriptors, a level-triggered listener would spin. Free the spare
// descriptor, accept and close one connection, take the spare back: the peer
// sees a clean close instead of hanging in the backlog.
void Acceptor::shed_one_connection() {
  spare_fd_.reset();
  UniqueFd refused(::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
  refused.reset();
  spare_fd_.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!spare_fd_) loop_.remove(listen_fd_.get());  // still starved: stop polling, do not spin
}

}  // namespace muxd
