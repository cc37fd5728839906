#include "http/operations.h"

#include "core/log.h"
#include "http/basic_auth.h"
#include "http/metrics.h"

namespace muxd::http {

Operations::~Operations() = default;

std::unique_ptr<Operations> Operations::make(const HttpConfig& config, size_t workers, std::string_view model) {
  std::unique_ptr<Operations> ops(new Operations);
  if (!config.status_path.empty()) ops->metrics_ = std::make_unique<Metrics>(workers, std::string(model));
  if (!config.auth_file.empty()) {
    try {
      BasicAuth::Limits limits;
      limits.checks_per_second = config.auth_check_rate;
      limits.checks_burst = config.auth_check_burst;
      ops->auth_ = std::make_unique<BasicAuth>(Htpasswd::load(config.auth_file), config.auth_realm, limits);
    } catch (const HtpasswdError& error) {
      log_error("muxd http: {}", error.what());
      return nullptr;
    }
  }
  for (size_t i = 0; i < workers; ++i) {
    HttpConfig& copy = ops->configs_.emplace_back(config);
    copy.worker_index = i;
    copy.metrics = ops->metrics_.get();
    copy.counters = ops->metrics_ ? &ops->metrics_->worker(i) : nullptr;
    copy.auth = ops->auth_.get();
  }
  return ops;
}

}  // namespace muxd::http
