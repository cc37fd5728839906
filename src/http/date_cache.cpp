#include "http/date_cache.h"

namespace muxd::http {

void DateCache::update(time_t now) {
  if (now == now_) return;
  now_ = now;
  format_http_date(now, http_date_);
  format_log_date(now, log_time_);
}

}  // namespace muxd::http
