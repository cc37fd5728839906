#include "loadgen/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace muxd::loadgen {
namespace {

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGaps) {
  EXPECT_EQ(LatencyHistogram::index_of(0), 0u);
  EXPECT_EQ(LatencyHistogram::index_of(255), 255u);
  EXPECT_EQ(LatencyHistogram::index_of(256), 256u);
  EXPECT_EQ(LatencyHistogram::index_of(511), 383u);
  EXPECT_EQ(LatencyHistogram::index_of(512), 384u);
  size_t last = LatencyHistogram::index_of(LatencyHistogram::kHighest);
  for (size_t i = 0; i < last; ++i) {
    ASSERT_EQ(LatencyHistogram::highest_in(i) + 1, LatencyHistogram::lowest_in(i + 1)) << i;
    ASSERT_EQ(LatencyHistogram::index_of(LatencyHistogram::lowest_in(i)), i);
    ASSERT_EQ(LatencyHistogram::index_of(LatencyHistogram::highest_in(i)), i);
  }
}

TEST(LatencyHistogram, TwoSignificantDigitsAtEveryMagnitude) {
  for (uint64_t value : {300ull, 1234ull, 99'999ull, 5'000'000ull, 3'600'000'000ull}) {
    size_t i = LatencyHistogram::index_of(value);
    double width = static_cast<double>(LatencyHistogram::highest_in(i) - LatencyHistogram::lowest_in(i) + 1);
    EXPECT_LT(width / static_cast<double>(value), 0.01) << value;
  }
}

TEST(LatencyHistogram, PercentilesOfAUniformDistribution) {
  LatencyHistogram histogram;
  for (uint64_t v = 1; v <= 100'000; ++v) histogram.record(v);
  EXPECT_EQ(histogram.count(), 100'000u);
  EXPECT_EQ(histogram.max(), 100'000u);
  EXPECT_EQ(histogram.min(), 1u);
  EXPECT_NEAR(histogram.mean(), 50'000.5, 0.01);
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    double exact = p * 1000;
    EXPECT_NEAR(static_cast<double>(histogram.percentile(p)), exact, exact * 0.01) << p;
    EXPECT_GE(static_cast<double>(histogram.percentile(p)), exact) << p;  // an upper bound, as HdrHistogram's
  }
  EXPECT_EQ(histogram.percentile(100), 100'000u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (int i = 0; i < 999; ++i) histogram.record(20);
  histogram.record(200);
  EXPECT_EQ(histogram.percentile(50), 20u);
  EXPECT_EQ(histogram.percentile(99.9), 20u);  // rank 999 of 1,000
  EXPECT_EQ(histogram.percentile(99.95), 200u);
  EXPECT_EQ(histogram.max(), 200u);
}

TEST(LatencyHistogram, PercentilesOfAnExponentialDistribution) {
  std::mt19937_64 random(42);
  std::exponential_distribution<double> exponential(1.0 / 1000.0);  // mean 1 ms in µs
  std::vector<uint64_t> values;
  LatencyHistogram histogram;
  for (int i = 0; i < 200'000; ++i) {
    auto v = static_cast<uint64_t>(exponential(random));
    values.push_back(v);
    histogram.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    auto exact = static_cast<double>(values[static_cast<size_t>(std::ceil(p / 100 * values.size())) - 1]);
    EXPECT_NEAR(static_cast<double>(histogram.percentile(p)), exact, exact * 0.01 + 1) << p;
  }
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, all;
  for (uint64_t v = 0; v < 50'000; v += 3) a.record(v), all.record(v);
  for (uint64_t v = 7; v < 9'000'000; v += 977) b.record(v), all.record(v);
  a.merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_DOUBLE_EQ(a.mean(), all.mean());
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 100.0}) EXPECT_EQ(a.percentile(p), all.percentile(p)) << p;
}

TEST(LatencyHistogram, HugeValuesClampAndEmptyIsZero) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.percentile(99), 0u);
  EXPECT_EQ(histogram.min(), 0u);
  histogram.record(uint64_t{1} << 40);
  EXPECT_EQ(histogram.max(), uint64_t{1} << 40);  // the exact max is kept
  EXPECT_GE(histogram.percentile(50), LatencyHistogram::lowest_in(LatencyHistogram::index_of(LatencyHistogram::kHighest)));
}

}  // namespace
}  // namespace muxd::loadgen
