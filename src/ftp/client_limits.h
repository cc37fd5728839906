#pragma once
// ClientLimits: --max-clients and --max-per-ip, shared by every worker.
// A client holds a Ticket for as long as its control connection lives.
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace muxd::ftp {

class ClientLimits {
 public:
  enum class Admission { admitted, server_full, ip_full };

  class Ticket {
   public:
    Ticket() = default;
    Ticket(ClientLimits* limits, std::string ip) : limits_(limits), ip_(std::move(ip)) {}
    Ticket(Ticket&& other) noexcept;
    Ticket& operator=(Ticket&& other) noexcept;
    ~Ticket();

   private:
    ClientLimits* limits_ = nullptr;
    std::string ip_;
  };

  // 0 means no limit.
  ClientLimits(size_t max_clients, size_t max_per_ip) : max_clients_(max_clients), max_per_ip_(max_per_ip) {}

  // On `admitted`, *ticket holds the place until it is destroyed.
  Admission admit(const std::string& ip, Ticket* ticket);
  size_t clients() const;

 private:
  void release(const std::string& ip);

  const size_t max_clients_;
  const size_t max_per_ip_;
  mutable std::mutex mutex_;
  size_t clients_ = 0;
  std::unordered_map<std::string, size_t> per_ip_;
};

}  // namespace muxd::ftp
