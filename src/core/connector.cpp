#include "core/connector.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>

#include "core/socket.h"

namespace muxd {

Connector::Connector(EventLoop& loop, Done done) : loop_(loop), done_(std::move(done)) {}

Connector::~Connector() { cancel(); }

void Connector::start(const SocketAddress& address) {
  cancel();
  UniqueFd fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return complete(UniqueFd(), errno);
  if (::connect(fd.get(), address.get(), address.length()) == 0) return complete(std::move(fd), 0);
  if (errno != EINPROGRESS) return complete(UniqueFd(), errno);
  try {
    loop_.add(fd.get(), EPOLLOUT, this);  // writable: the handshake ended, one way or the other
  } catch (const std::system_error& error) {  // ENOMEM, ENOSPC (max_user_watches)
    return complete(UniqueFd(), error.code().value());
  }
  fd_ = std::move(fd);
}

void Connector::cancel() {
  if (!fd_) return;
  loop_.remove(fd_.get());
  fd_.reset();
}

void Connector::handle_events(uint32_t) {
  if (!fd_) return;
  loop_.remove(fd_.get());  // the caller registers the socket again, on its connection
  UniqueFd fd = std::move(fd_);
  int error = socket_error(fd.get());
  if (error != 0) fd.reset();
  complete(std::move(fd), error);
}

// The last thing any path does: `done` may start this connector again.
void Connector::complete(UniqueFd fd, int error) { done_(std::move(fd), error); }

}  // namespace muxd
