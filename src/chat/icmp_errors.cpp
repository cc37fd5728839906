#include "chat/icmp_errors.h"

#include <linux/errqueue.h>
#include <netinet/icmp6.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>

#include <cerrno>
#include <system_error>

namespace muxd::chat {
namespace {

// The queue is bounded by the socket's receive buffer; a cap per call keeps
// one wake-up short, and level-triggered EPOLLERR brings us back for the rest.
constexpr int kMaxErrorsPerCall = 1024;

const sock_extended_err* extended_error(msghdr& message) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
    const bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
    const bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
    if (v4 || v6) return reinterpret_cast<const sock_extended_err*>(CMSG_DATA(c));
  }
  return nullptr;
}

bool is_port_unreachable(const sock_extended_err& error) {
  if (error.ee_origin == SO_EE_ORIGIN_ICMP)
    return error.ee_type == ICMP_DEST_UNREACH && error.ee_code == ICMP_PORT_UNREACH;
  if (error.ee_origin == SO_EE_ORIGIN_ICMP6)
    return error.ee_type == ICMP6_DST_UNREACH && error.ee_code == ICMP6_DST_UNREACH_NOPORT;
  return false;
}

}  // namespace

void enable_icmp_errors(int fd, int family) {
  const int on = 1;
  const int level = family == AF_INET6 ? SOL_IPV6 : SOL_IP;
  const int option = family == AF_INET6 ? IPV6_RECVERR : IP_RECVERR;
  if (::setsockopt(fd, level, option, &on, sizeof(on)) != 0)
    throw std::system_error(errno, std::generic_category(), "setsockopt IP_RECVERR");
}

std::vector<SocketAddress> read_unreachable_destinations(int fd) {
  std::vector<SocketAddress> gone;
  for (int i = 0; i < kMaxErrorsPerCall; ++i) {
    sockaddr_storage destination{};
    char quoted_payload[64];  // the start of our datagram; not needed
    alignas(cmsghdr) char control[512];
    iovec iov{quoted_payload, sizeof(quoted_payload)};
    msghdr message{};
    message.msg_name = &destination;
    message.msg_namelen = sizeof(destination);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof(control);
    if (::recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) break;  // EAGAIN: drained
    const sock_extended_err* error = extended_error(message);
    if (error != nullptr && is_port_unreachable(*error) && message.msg_namelen > 0)
      gone.push_back(SocketAddress::from(reinterpret_cast<sockaddr*>(&destination), message.msg_namelen));
  }
  return gone;
}

}  // namespace muxd::chat
