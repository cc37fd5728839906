#include "loadgen/pacer.h"

namespace muxd::loadgen {

uint64_t Pacer::behind(Clock::time_point now) const {
  if (now < start_) return 0;
  double elapsed_ns = static_cast<double>(std::chrono::nanoseconds(now - start_).count());
  auto due = static_cast<uint64_t>(elapsed_ns / interval_ns_) + 1;  // t_0 is due at the start
  while (due > 0 && at(due - 1) > now) --due;                       // rounding at the edge
  while (at(due) <= now) ++due;
  return due > taken_ ? due - taken_ : 0;
}

}  // namespace muxd::loadgen
