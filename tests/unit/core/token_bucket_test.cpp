#include <gtest/gtest.h>

#include "core/address_buckets.h"
#include "core/token_bucket.h"

namespace muxd {
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

SocketAddress address(int port) { return *SocketAddress::parse("127.0.0.1:" + std::to_string(port)); }

TEST(AddressBuckets, EachAddressHasItsOwnBucket) {
  AddressBuckets buckets(1, 2, 100);
  EXPECT_TRUE(buckets.take(address(1), t0));
  EXPECT_TRUE(buckets.take(address(1), t0));
  EXPECT_FALSE(buckets.take(address(1), t0));
  EXPECT_TRUE(buckets.take(address(2), t0));  // another port is another sender
  EXPECT_TRUE(buckets.take(address(1), t0 + milliseconds(1000)));
}

TEST(AddressBuckets, TheTableIsBoundedAndForgetsTheLeastRecentlyHeard) {
  AddressBuckets buckets(1, 1, 3);
  for (int port = 1; port <= 3; ++port) EXPECT_TRUE(buckets.take(address(port), t0));
  EXPECT_FALSE(buckets.take(address(1), t0));  // 1 is now the most recent
  EXPECT_TRUE(buckets.take(address(4), t0));   // evicts 2
  EXPECT_EQ(buckets.size(), 3u);
  EXPECT_FALSE(buckets.take(address(1), t0));  // still remembered, still empty
  EXPECT_TRUE(buckets.take(address(2), t0));   // forgotten: starts afresh
  for (int port = 100; port < 1000; ++port) buckets.take(address(port), t0);
  EXPECT_EQ(buckets.size(), 3u);
}

}  // namespace
}  // namespace muxd
