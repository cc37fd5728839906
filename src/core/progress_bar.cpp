#include "core/progress_bar.h"

#include <unistd.h>

#include <fmt/format.h>

namespace muxd {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

}  // namespace

std::string human_bytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string human_duration(std::chrono::seconds duration) {
  const long long total = duration.count() < 0 ? 0 : duration.count();
  const long long hours = total / 3600, minutes = total / 60 % 60, seconds = total % 60;
  if (hours > 0) return fmt::format("{}:{:02}:{:02}", hours, minutes, seconds);
  return fmt::format("{}:{:02}", minutes, seconds);
}

namespace {

// "  1.0 MiB/s  ETA 0:03" (or "  in 0:07" once done); empty until there is a rate.
std::string rate_and_time(uint64_t done, uint64_t total, std::chrono::steady_clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  if (seconds <= 0 || done == 0) return "";
  const double rate = static_cast<double>(done) / seconds;
  std::string text = fmt::format("  {}/s", human_bytes(static_cast<uint64_t>(rate)));
  if (total == 0) return text;
  if (done >= total) return text + "  in " + human_duration(std::chrono::seconds(static_cast<long long>(seconds + 0.5)));
  const double left = static_cast<double>(total - done) / rate;
  return text + "  ETA " + human_duration(std::chrono::seconds(static_cast<long long>(left + 0.5)));
}

}  // namespace

std::string render_progress(uint64_t done, uint64_t total, size_t width, std::chrono::steady_clock::duration elapsed) {
  if (total == 0) return human_bytes(done) + rate_and_time(done, total, elapsed);
  uint64_t capped = done > total ? total : done;
  auto filled = static_cast<size_t>(static_cast<double>(capped) / static_cast<double>(total) * static_cast<double>(width));
  auto percent = static_cast<unsigned>(capped * 100 / total);
  return fmt::format("[{}{}] {:3}%  {} / {}{}", std::string(filled, '#'), std::string(width - filled, '.'), percent,
                     human_bytes(done), human_bytes(total), rate_and_time(done, total, elapsed));
}

ProgressBar::ProgressBar(std::FILE* out, uint64_t total) : ProgressBar(out, total, ::isatty(::fileno(out)) == 1) {}

ProgressBar::ProgressBar(std::FILE* out, uint64_t total, bool is_terminal, Clock::time_point start)
    : out_(out), total_(total), enabled_(total > kProgressThreshold && is_terminal), start_(start) {}

ProgressBar::~ProgressBar() {
  if (!drawn_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
}

void ProgressBar::update(uint64_t done, Clock::time_point now) {
  if (!enabled_) return;
  if (drawn_ && done < total_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  drawn_ = true;
  // CR, the line, EL (erase to the end of the line: ECMA-48 §8.3.41).
  std::fprintf(out_, "\r%s\x1b[K", render_progress(done, total_, 30, now - start_).c_str());
  std::fflush(out_);
}

}  // namespace muxd
