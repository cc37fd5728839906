#pragma once
// AddressLimit: at most N sessions at once from one IP address, across all
// worker threads (dict --max-sessions-per-ip, qa --max-per-ip). A session holds a Lease; the count
// drops when the last copy of the lease is gone. One mutex, held for a map
// lookup per connection start and end, never across IO.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/address.h"

namespace muxd {

class AddressLimit {
 public:
  explicit AddressLimit(size_t per_address) : per_address_(per_address) {}

  // A lease for one more session from `peer`'s address, or null when it has
  // `per_address` already (0: no limit, always a lease).
  std::shared_ptr<void> acquire(const SocketAddress& peer);
  size_t count(const SocketAddress& peer) const;

 private:
  void release(const std::string& ip);

  size_t per_address_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, size_t> sessions_;
};

}  // namespace muxd
