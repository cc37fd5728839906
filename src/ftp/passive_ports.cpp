#include "ftp/passive_ports.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

namespace muxd::ftp {
namespace {

// A few pending connections are plenty: one is expected, the rest get refused.
constexpr int kBacklog = 4;

UniqueFd listen_on(const SocketAddress& address) {
  UniqueFd fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return fd;
  if (::bind(fd.get(), address.get(), address.length()) != 0 || ::listen(fd.get(), kBacklog) != 0) {
    int error = errno;
    fd.reset();
    errno = error;
  }
  return fd;
}

}  // namespace

UniqueFd PassivePorts::listen(const SocketAddress& ip) {
  if (low_ == 0) return listen_on(ip.with_port(0));
  uint32_t count = static_cast<uint32_t>(high_ - low_) + 1;
  for (uint32_t attempt = 0; attempt < count; ++attempt) {
    auto port = static_cast<uint16_t>(low_ + next_.fetch_add(1, std::memory_order_relaxed) % count);
    UniqueFd fd = listen_on(ip.with_port(port));
    if (fd || errno != EADDRINUSE) return fd;
  }
  errno = EADDRINUSE;
  return UniqueFd();
}

}  // namespace muxd::ftp
