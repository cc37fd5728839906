#include "core/log.h"

#include <unistd.h>

#include <atomic>
#include <ctime>

namespace muxd {
namespace {

std::atomic<LogLevel> min_level{LogLevel::info};
constexpr const char* level_names[] = {"debug", "info", "warn", "error"};

}  // namespace

void set_log_level(LogLevel level) { min_level = level; }

bool log_enabled(LogLevel level) { return level >= min_level.load(std::memory_order_relaxed); }

void log_line(LogLevel level, std::string_view message) {
  char stamp[32];
  time_t now = ::time(nullptr);
  tm utc;
  ::gmtime_r(&now, &utc);
  ::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::string line = fmt::format("{} {} {}\n", stamp, level_names[static_cast<int>(level)], message);
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace muxd
