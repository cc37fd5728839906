#pragma once
// Socket set-up helpers. Every descriptor is non-blocking and close-on-exec;
// failures throw std::system_error with a message naming the address.
#include "core/address.h"
#include "core/unique_fd.h"

namespace muxd {

// Accepted sockets inherit TCP_NODELAY from the listener (Linux), saving a
// setsockopt per connection; set `nodelay` for request/response protocols.
UniqueFd listen_tcp(const SocketAddress& address, int backlog = 4096, bool reuse_port = false,
                    bool nodelay = false);
UniqueFd bind_udp(const SocketAddress& address);
// Starts a non-blocking connect; completion shows as EPOLLOUT, then check socket_error().
UniqueFd connect_tcp(const SocketAddress& address);

SocketAddress local_address(int fd);
SocketAddress peer_address(int fd);
int socket_error(int fd);  // SO_ERROR: 0 when a non-blocking connect succeeded
void set_nodelay(int fd);
// TCP_DEFER_ACCEPT: the listener reports a connection only once its first
// bytes arrived (or `seconds` passed), for protocols where the client speaks first.
void set_defer_accept(int listen_fd, int seconds);

}  // namespace muxd
