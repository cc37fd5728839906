#include "ftp/passive_listener.h"

#include <sys/socket.h>

#include <cerrno>

#include "core/log.h"
#include "core/socket.h"
#include "ftp/data_address.h"

namespace muxd::ftp {

PassiveListener::PassiveListener(EventLoop& loop, UniqueFd listen_fd, SocketAddress control_peer)
    : loop_(loop), listen_fd_(std::move(listen_fd)), control_peer_(control_peer) {
  port_ = local_address(listen_fd_.get()).port();
  loop_.add(listen_fd_.get(), EPOLLIN, this);
}

PassiveListener::~PassiveListener() { stop_listening(); }

void PassiveListener::stop_listening() {
  if (!listen_fd_) return;
  loop_.remove(listen_fd_.get());
  listen_fd_.reset();
}

void PassiveListener::when_connected(std::function<void(UniqueFd)> callback) {
  if (connection_) return callback(std::move(connection_));
  on_connected_ = std::move(callback);
}

void PassiveListener::handle_events(uint32_t) {
  while (listen_fd_) {
    SocketAddress peer;
    UniqueFd fd(::accept4(listen_fd_.get(), peer.get(), peer.length_ptr(), SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors: the data timeout ends the wait
    }
    if (!same_ip(peer, control_peer_)) {
      log_warn("ftp: refused a data connection from {} (the client is {})", peer.ip_string(),
               control_peer_.ip_string());
      continue;
    }
    stop_listening();
    if (!on_connected_) {
      connection_ = std::move(fd);
      return;
    }
    auto callback = std::move(on_connected_);
    return callback(std::move(fd));
  }
}

}  // namespace muxd::ftp
