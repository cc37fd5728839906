#pragma once
// AddressBuckets: a token bucket per sender address (chat's LOGINs from
// non-members, dict's UDP lookups). The table is bounded: when full, the
// address heard from least recently is forgotten, so spoofed source addresses
// cannot grow it without limit (a forgotten address merely starts afresh).
#include <cstddef>
#include <list>
#include <unordered_map>

#include "core/address.h"
#include "core/token_bucket.h"

namespace muxd {

struct SocketAddressHash {
  size_t operator()(const SocketAddress& address) const;
};

class AddressBuckets {
 public:
  AddressBuckets(double rate_per_second, double burst, size_t capacity);

  bool take(const SocketAddress& address, TokenBucket::Clock::time_point now);
  size_t size() const { return buckets_.size(); }

 private:
  struct Entry {
    TokenBucket bucket;
    std::list<SocketAddress>::iterator position;
  };

  double rate_;
  double burst_;
  size_t capacity_;
  std::unordered_map<SocketAddress, Entry, SocketAddressHash> buckets_;
  std::list<SocketAddress> recency_;  // least recently heard first
};

}  // namespace muxd
