#include "http/date_cache.h"

namespace muxd::http {

void DateCache::update(time_t now) {
  if (now == now_) return;
  now_ = now;
  format_http_date(now, http_date_);
  tm utc;
  ::gmtime_r(&now, &utc);
  log_length_ = ::strftime(log_time_, sizeof(log_time_), "%d/%b/%Y:%H:%M:%S +0000", &utc);
}

}  // namespace muxd::http
