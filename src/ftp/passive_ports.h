#pragma once
// PassivePorts: where PASV/EPSV listeners bind. With --pasv-ports LO-HI (for a
// firewall that opens only that range) the ports are taken round-robin across
// all workers, skipping those in use; without it the kernel picks any free one.
#include <atomic>
#include <cstdint>

#include "core/address.h"
#include "core/unique_fd.h"

namespace muxd::ftp {

class PassivePorts {
 public:
  PassivePorts(uint16_t low, uint16_t high) : low_(low), high_(high) {}

  // A non-blocking listening socket on `ip` (its port ignored); invalid when
  // every port of the range is taken or the socket fails (errno says why).
  UniqueFd listen(const SocketAddress& ip);

 private:
  const uint16_t low_;
  const uint16_t high_;
  std::atomic<uint32_t> next_{0};
};

}  // namespace muxd::ftp
