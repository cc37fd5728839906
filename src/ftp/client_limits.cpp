#include "ftp/client_limits.h"

#include <utility>

namespace muxd::ftp {

ClientLimits::Ticket::Ticket(Ticket&& other) noexcept
    : limits_(std::exchange(other.limits_, nullptr)), ip_(std::move(other.ip_)) {}

ClientLimits::Ticket& ClientLimits::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    if (limits_) limits_->release(ip_);
    limits_ = std::exchange(other.limits_, nullptr);
    ip_ = std::move(other.ip_);
  }
  return *this;
}

ClientLimits::Ticket::~Ticket() {
  if (limits_) limits_->release(ip_);
}

ClientLimits::Admission ClientLimits::admit(const std::string& ip, Ticket* ticket) {
  std::lock_guard lock(mutex_);
  if (max_clients_ != 0 && clients_ >= max_clients_) return Admission::server_full;
  size_t& from_ip = per_ip_[ip];
  if (max_per_ip_ != 0 && from_ip >= max_per_ip_) return Admission::ip_full;
  ++from_ip;
  ++clients_;
  *ticket = Ticket(this, ip);
  return Admission::admitted;
}

size_t ClientLimits::clients() const {
  std::lock_guard lock(mutex_);
  return clients_;
}

void ClientLimits::release(const std::string& ip) {
  std::lock_guard lock(mutex_);
  --clients_;
  auto found = per_ip_.find(ip);
  if (found != per_ip_.end() && --found->second == 0) per_ip_.erase(found);
}

}  // namespace muxd::ftp
