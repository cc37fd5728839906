#pragma once
// ProgressBar: one line, redrawn in place, for work over 1 MiB (a transfer, an
// import) when its stream is a terminal: "[#######.............]  35%  12.0 MiB / 34.3 MiB".
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace muxd {

inline constexpr uint64_t kProgressThreshold = 1 << 20;

// The line for `done` of `total` bytes (total 0: unknown), without CR/LF.
std::string render_progress(uint64_t done, uint64_t total, size_t width = 30);
// "512 B", "1.5 KiB", "12.0 MiB", "2.3 GiB".
std::string human_bytes(uint64_t bytes);

class ProgressBar {
 public:
  // Shows nothing unless `out` is a terminal and the transfer is big enough.
  ProgressBar(std::FILE* out, uint64_t total);
  ~ProgressBar();  // ends the line, if one was drawn (it shows where the transfer stopped)
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(uint64_t done);

 private:
  std::FILE* out_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace muxd
