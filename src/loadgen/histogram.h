#pragma once
// LatencyHistogram: counts of values (microseconds) in log-spaced buckets,
// HdrHistogram's layout written small: values below 256 are counted exactly;
// above, each power-of-two range [2^k, 2^(k+1)) is split into 128 equal
// sub-buckets, so a recorded value is known to within 1/128 (< 0.8%): two
// significant decimal digits, whatever the magnitude. Values up to about 2^32
// µs (71 minutes) fit in 3,328 counters (26 KiB); larger ones count as the
// largest. Recording is a shift and an increment; percentiles walk the
// counters once. One per thread, merged at the end.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace muxd::loadgen {

class LatencyHistogram {
 public:
  static constexpr uint64_t kHighest = (uint64_t{1} << 32) - 1;  // µs; larger values clamp

  LatencyHistogram();

  void record(uint64_t value);
  void merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }  // exact
  uint64_t min() const { return count_ ? min_ : 0; }
  double mean() const;
  // The value at percentile `p` (0-100]: the smallest bucket's upper bound
  // below which at least p% of the values fall, never above the exact max.
  uint64_t percentile(double p) const;

  // Bucket geometry (exposed for the tests).
  static size_t index_of(uint64_t value);
  static uint64_t lowest_in(size_t index);
  static uint64_t highest_in(size_t index);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t max_ = 0;
  uint64_t min_ = UINT64_MAX;
  long double sum_ = 0;
};

}  // namespace muxd::loadgen
