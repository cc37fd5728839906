#include "core/address_buckets.h"

#include <cstring>
#include <string_view>

namespace muxd {

size_t SocketAddressHash::operator()(const SocketAddress& address) const {
  // Only what SocketAddress::operator== compares: family, IP and port.
  char key[2 + 16] = {};
  const uint16_t port = address.port();
  std::memcpy(key, &port, sizeof(port));
  if (address.family() == AF_INET)
    std::memcpy(key + 2, &reinterpret_cast<const sockaddr_in*>(address.get())->sin_addr, 4);
  else if (address.family() == AF_INET6)
    std::memcpy(key + 2, &reinterpret_cast<const sockaddr_in6*>(address.get())->sin6_addr, 16);
  return std::hash<std::string_view>{}(std::string_view(key, sizeof(key))) ^
         static_cast<size_t>(address.family());
}

AddressBuckets::AddressBuckets(double rate_per_second, double burst, size_t capacity)
    : rate_(rate_per_second), burst_(burst), capacity_(capacity) {}

bool AddressBuckets::take(const SocketAddress& address, TokenBucket::Clock::time_point now) {
  auto it = buckets_.find(address);
  if (it == buckets_.end()) {
    if (buckets_.size() >= capacity_) {
      buckets_.erase(recency_.front());
      recency_.pop_front();
    }
    recency_.push_back(address);
    it = buckets_.emplace(address, Entry{TokenBucket(rate_, burst_, now), std::prev(recency_.end())}).first;
  } else {
    recency_.splice(recency_.end(), recency_, it->second.position);
  }
  return it->second.bucket.take(now);
}

}  // namespace muxd
