#include "loadgen/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace muxd::loadgen {
namespace {

constexpr int kSubBits = 7;                  // 128 sub-buckets per power of two
constexpr uint64_t kExact = 2u << kSubBits;  // below 256, one counter per value

}  // namespace

// Below 256 the index is the value. Above, with k the top bit's position,
// shift = k - 7 keeps the top 8 bits (128..255): index = 128 * shift + top.
// Consecutive ranges continue one another: 255 -> 255, 256 -> 256, 511 -> 383,
// 512 -> 384.
size_t LatencyHistogram::index_of(uint64_t value) {
  value = std::min(value, kHighest);
  if (value < kExact) return static_cast<size_t>(value);
  int shift = (63 - std::countl_zero(value)) - kSubBits;
  return static_cast<size_t>((uint64_t{1} << kSubBits) * static_cast<uint64_t>(shift) + (value >> shift));
}

uint64_t LatencyHistogram::lowest_in(size_t index) {
  if (index < kExact) return index;
  size_t shift = (index >> kSubBits) - 1;
  return static_cast<uint64_t>(index - (shift << kSubBits)) << shift;
}

uint64_t LatencyHistogram::highest_in(size_t index) {
  if (index < kExact) return index;
  size_t shift = (index >> kSubBits) - 1;
  return lowest_in(index) + (uint64_t{1} << shift) - 1;
}

LatencyHistogram::LatencyHistogram() : counts_(index_of(kHighest) + 1) {}

void LatencyHistogram::record(uint64_t value) {
  ++counts_[index_of(value)];
  ++count_;
  max_ = std::max(max_, value);
  min_ = std::min(min_, value);
  sum_ += static_cast<long double>(value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
  sum_ += other.sum_;
}

double LatencyHistogram::mean() const {
  return count_ ? static_cast<double>(sum_ / static_cast<long double>(count_)) : 0.0;
}

uint64_t LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  // The rank of the value wanted: at least one, at most all of them.
  // (The relative epsilon keeps 99.9% of 1,000 at rank 999 despite 99.9's binary rounding.)
  double exact = p / 100.0 * static_cast<double>(count_);
  auto rank = static_cast<uint64_t>(std::ceil(exact - exact * 1e-12));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_in(i), max_);
  }
  return max_;
}

}  // namespace muxd::loadgen
