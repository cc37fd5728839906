#pragma once
// Operations: what --status-path and --auth-file share across a process's
// workers (the counters' mapping, the htpasswd users, the verified-credentials
// cache), and the copy of HttpConfig each worker is built from, pointing at
// them. Made by run_server before any worker; outlives every worker.
#include <deque>
#include <memory>
#include <string_view>

#include "http/http_config.h"

namespace muxd::http {

class Operations {
 public:
  // Null (and the reason logged) when --auth-file cannot be used: exit 2.
  static std::unique_ptr<Operations> make(const HttpConfig& config, size_t workers, std::string_view model);
  ~Operations();

  const HttpConfig& worker_config(size_t index) const { return configs_.at(index); }

 private:
  Operations() = default;

  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<BasicAuth> auth_;
  std::deque<HttpConfig> configs_;  // one per worker
};

}  // namespace muxd::http
