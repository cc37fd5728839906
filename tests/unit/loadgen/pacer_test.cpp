#include "loadgen/pacer.h"

#include <gtest/gtest.h>

namespace muxd::loadgen {
namespace {

using namespace std::chrono_literals;
using Clock = Pacer::Clock;

TEST(Pacer, IntendedTimesFollowTheRateWithoutDrift) {
  Clock::time_point start{};
  Pacer pacer(3.0, start);  // one every 333,333,333.3 ns
  EXPECT_EQ(pacer.next(), start);
  for (int i = 0; i < 3'000'000; ++i) pacer.take();
  EXPECT_EQ(pacer.next(), start + 1'000'000s);  // computed from the start: no accumulated rounding
}

TEST(Pacer, BehindCountsDueRequestsNotYetTaken) {
  Clock::time_point start = Clock::time_point{} + 10s;
  Pacer pacer(1000.0, start);  // one per ms
  EXPECT_EQ(pacer.behind(start - 1ms), 0u);
  EXPECT_EQ(pacer.behind(start), 1u);
  EXPECT_EQ(pacer.behind(start + 999us), 1u);
  EXPECT_EQ(pacer.behind(start + 1ms), 2u);
  EXPECT_EQ(pacer.behind(start + 10ms), 11u);
  for (int i = 0; i < 4; ++i) pacer.take();
  EXPECT_EQ(pacer.behind(start + 10ms), 7u);
  EXPECT_EQ(pacer.next(), start + 4ms);  // a late request keeps its own intended time
}

}  // namespace
}  // namespace muxd::loadgen
