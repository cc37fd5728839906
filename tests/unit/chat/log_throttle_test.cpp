#include <gtest/gtest.h>

#include "chat/log_throttle.h"

namespace muxd::chat {
namespace {

using std::chrono::milliseconds;
const auto t0 = std::chrono::steady_clock::time_point() + std::chrono::hours(1);

TEST(LogThrottle, CapsLinesPerSecondAndCountsTheRest) {
  LogThrottle throttle(2);
  EXPECT_TRUE(throttle.allow(t0));
  EXPECT_TRUE(throttle.allow(t0));
  EXPECT_FALSE(throttle.allow(t0));
  EXPECT_FALSE(throttle.allow(t0 + milliseconds(999)));
  EXPECT_EQ(throttle.take_suppressed(), 0u);  // reported once the window is over
  EXPECT_TRUE(throttle.allow(t0 + milliseconds(1000)));
  EXPECT_EQ(throttle.take_suppressed(), 2u);
  EXPECT_EQ(throttle.take_suppressed(), 0u);
}

}  // namespace
}  // namespace muxd::chat
