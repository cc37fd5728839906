#include <gtest/gtest.h>

#include "chat/log_throttle.h"
#include "chat/token_bucket.h"

namespace muxd::chat {
namespace {

using std::chrono::milliseconds;
const auto t0 = std::chrono::steady_clock::time_point() + std::chrono::hours(1);

TEST(TokenBucket, AllowsABurstThenTheRate) {
  TokenBucket bucket(2, 3, t0);
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_FALSE(bucket.take(t0));
  EXPECT_FALSE(bucket.take(t0 + milliseconds(400)));
  EXPECT_TRUE(bucket.take(t0 + milliseconds(500)));  // 2 per second: one token per 500 ms
  EXPECT_FALSE(bucket.take(t0 + milliseconds(600)));
}

TEST(TokenBucket, NeverSavesMoreThanTheBurst) {
  TokenBucket bucket(10, 2, t0);
  const auto later = t0 + std::chrono::hours(1);
  EXPECT_TRUE(bucket.take(later));
  EXPECT_TRUE(bucket.take(later));
  EXPECT_FALSE(bucket.take(later));
}

TEST(TokenBucket, IgnoresTimeGoingBackwards) {
  TokenBucket bucket(1, 1, t0);
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_FALSE(bucket.take(t0 - std::chrono::hours(1)));
}

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
