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

std::string render_progress(uint64_t done, uint64_t total, size_t width) {
  if (total == 0) return human_bytes(done);
  uint64_t capped = done > total ? total : done;
  auto filled = static_cast<size_t>(static_cast<double>(capped) / static_cast<double>(total) * static_cast<double>(width));
  auto percent = static_cast<unsigned>(capped * 100 / total);
  return fmt::format("[{}{}] {:3}%  {} / {}", std::string(filled, '#'), std::string(width - filled, '.'),
                     percent, human_bytes(done), human_bytes(total));
}

ProgressBar::ProgressBar(std::FILE* out, uint64_t total)
    : out_(out), total_(total), enabled_(total > kProgressThreshold && ::isatty(::fileno(out))) {}

ProgressBar::~ProgressBar() {
  if (!drawn_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
}

void ProgressBar::update(uint64_t done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;
  drawn_ = true;
  std::fprintf(out_, "\r%s", render_progress(done, total_).c_str());
  std::fflush(out_);
}

}  // namespace muxd
