#include "core/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>

namespace muxd {
namespace {

std::atomic<LogLevel> min_level{LogLevel::info};
constexpr const char* level_names[] = {"debug", "info", "warn", "error"};

}  // namespace

void set_log_level(LogLevel level) { min_level = level; }

bool log_enabled(LogLevel level) { return level >= min_level.load(std::memory_order_relaxed); }

void log_line(LogLevel level, std::string_view message) {
  // Calendar arithmetic, not gmtime_r: that takes glibc's tzset lock, and a
  // fork child (http/models/fork.cpp) may inherit it locked by another thread.
  using namespace std::chrono;
  auto now = floor<seconds>(system_clock::now());
  auto day = floor<days>(now);
  year_month_day date{day};
  hh_mm_ss time{now - day};
  std::string line = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z {} {}\n", static_cast<int>(date.year()),
                                 static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                                 time.hours().count(), time.minutes().count(), time.seconds().count(),
                                 level_names[static_cast<int>(level)], message);
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace muxd
