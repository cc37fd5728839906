#pragma once
// The current time as an HTTP-date and as an access-log time, formatted once
// per second per thread instead of once per response. Lock-free (no gmtime_r):
// fork children run it (http/models/fork.cpp).
#include <ctime>
#include <string_view>

#include "http/http_date.h"

namespace muxd::http {

class DateCache {
 public:
  // Reformats only when the second changed.
  void update(time_t now);
  time_t now() const { return now_; }
  std::string_view http_date() const { return {http_date_, kHttpDateLength}; }
  std::string_view log_time() const { return {log_time_, kLogDateLength}; }  // 22/Nov/2026:10:00:00 +0000

 private:
  time_t now_ = -1;
  char http_date_[kHttpDateLength];
  char log_time_[kLogDateLength]{};
};

}  // namespace muxd::http
