#include "core/address_limit.h"

namespace muxd {

std::shared_ptr<void> AddressLimit::acquire(const SocketAddress& peer) {
  std::string ip = peer.ip_string();
  {
    std::lock_guard lock(mutex_);
    size_t& count = sessions_[ip];
    if (per_address_ && count >= per_address_) {
      if (count == 0) sessions_.erase(ip);
      return nullptr;
    }
    ++count;
  }
  // The lease owns nothing but its release (non-null, so that it tests true).
  return std::shared_ptr<void>(static_cast<void*>(this), [this, ip = std::move(ip)](void*) { release(ip); });
}

size_t AddressLimit::count(const SocketAddress& peer) const {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(peer.ip_string());
  return it == sessions_.end() ? 0 : it->second;
}

void AddressLimit::release(const std::string& ip) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(ip);
  if (it != sessions_.end() && --it->second == 0) sessions_.erase(it);
}

}  // namespace muxd
