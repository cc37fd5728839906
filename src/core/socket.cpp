#include "core/socket.h"

#include <netinet/tcp.h>

#include <cerrno>
#include <system_error>

namespace muxd {
namespace {

[[noreturn]] void throw_errno(const char* what, const SocketAddress& address) {
  throw std::system_error(errno, std::generic_category(), std::string(what) + " " + address.to_string());
}

UniqueFd open_socket(const SocketAddress& address, int type) {
  UniqueFd fd(::socket(address.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw_errno("socket for", address);
  return fd;
}

void enable(int fd, int level, int option) {
  int one = 1;
  ::setsockopt(fd, level, option, &one, sizeof(one));
}

}  // namespace

UniqueFd listen_tcp(const SocketAddress& address, int backlog, bool reuse_port, bool nodelay) {
  UniqueFd fd = open_socket(address, SOCK_STREAM);
  enable(fd.get(), SOL_SOCKET, SO_REUSEADDR);
  if (reuse_port) enable(fd.get(), SOL_SOCKET, SO_REUSEPORT);
  if (nodelay) enable(fd.get(), IPPROTO_TCP, TCP_NODELAY);
  if (address.family() == AF_INET6) enable(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY);
  if (::bind(fd.get(), address.get(), address.length()) != 0) throw_errno("cannot bind", address);
  if (::listen(fd.get(), backlog) != 0) throw_errno("cannot listen on", address);
  return fd;
}

UniqueFd bind_udp(const SocketAddress& address) {
  UniqueFd fd = open_socket(address, SOCK_DGRAM);
  if (address.family() == AF_INET6) enable(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY);
  if (::bind(fd.get(), address.get(), address.length()) != 0) throw_errno("cannot bind", address);
  return fd;
}

UniqueFd connect_tcp(const SocketAddress& address) {
  UniqueFd fd = open_socket(address, SOCK_STREAM);
  if (::connect(fd.get(), address.get(), address.length()) != 0 && errno != EINPROGRESS)
    throw_errno("cannot connect to", address);
  return fd;
}

SocketAddress local_address(int fd) {
  SocketAddress address;
  ::getsockname(fd, address.get(), address.length_ptr());
  return address;
}

SocketAddress peer_address(int fd) {
  SocketAddress address;
  ::getpeername(fd, address.get(), address.length_ptr());
  return address;
}

int socket_error(int fd) {
  int error = 0;
  socklen_t length = sizeof(error);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
  return error;
}

void set_nodelay(int fd) { enable(fd, IPPROTO_TCP, TCP_NODELAY); }

void set_defer_accept(int listen_fd, int seconds) {
  ::setsockopt(listen_fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &seconds, sizeof(seconds));
}

}  // namespace muxd
