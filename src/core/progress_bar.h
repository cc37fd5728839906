#pragma once
// ProgressBar: one line, redrawn in place, for work over 1 MiB (a transfer, an
// import) when its stream is a terminal:
//   "[#######.............]  35%  12.0 MiB / 34.3 MiB  4.1 MiB/s  ETA 0:05".
// Each redraw is CR, the line, then "ESC [ K" (ECMA-48 EL, erase to the end of
// the line), so a shorter line never keeps the tail of a longer one.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace muxd {

inline constexpr uint64_t kProgressThreshold = 1 << 20;

// The line for `done` of `total` bytes (total 0: unknown), without CR/LF.
// With `elapsed` over zero and bytes done it adds the mean speed and the time
// left ("ETA 0:05"), or the time taken once done ("in 0:07").
std::string render_progress(uint64_t done, uint64_t total, size_t width = 30,
                            std::chrono::steady_clock::duration elapsed = {});
// "512 B", "1.5 KiB", "12.0 MiB", "2.3 GiB".
std::string human_bytes(uint64_t bytes);
// "0:07", "12:34", "1:02:03".
std::string human_duration(std::chrono::seconds duration);

class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;

  // Shows nothing unless `out` is a terminal and the transfer is big enough.
  ProgressBar(std::FILE* out, uint64_t total);
  // As above, with the terminal question answered and the clock started by the caller (tests).
  ProgressBar(std::FILE* out, uint64_t total, bool is_terminal, Clock::time_point start = Clock::now());
  ~ProgressBar();  // ends the line, if one was drawn (it shows where the transfer stopped)
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void update(uint64_t done) { update(done, Clock::now()); }
  void update(uint64_t done, Clock::time_point now);

 private:
  std::FILE* out_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_draw_{};
};

}  // namespace muxd
