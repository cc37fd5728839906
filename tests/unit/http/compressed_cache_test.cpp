#include "http/compressed_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace muxd::http {
namespace {

std::shared_ptr<const CompressedBody> body_of(size_t size, char fill = 'x') {
  auto body = std::make_shared<CompressedBody>();
  body->bytes.assign(size, fill);
  return body;
}

SourceStamp stamp(off_t size, time_t mtime = 1000) { return {1, 2, size, {mtime, 0}}; }

TEST(CompressedCache, FindsWhatWasInsertedByPathCodingAndSource) {
  CompressedCache cache(1 << 20);
  cache.insert("/a.js", Coding::br, stamp(10), body_of(5, 'b'));
  cache.insert("/a.js", Coding::gzip, stamp(10), body_of(6, 'g'));
  EXPECT_EQ(cache.find("/a.js", Coding::br, stamp(10))->bytes, "bbbbb");
  EXPECT_EQ(cache.find("/a.js", Coding::gzip, stamp(10))->bytes, "gggggg");
  EXPECT_EQ(cache.find("/a.js", Coding::zstd, stamp(10)), nullptr);
  EXPECT_EQ(cache.find("/b.js", Coding::br, stamp(10)), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(CompressedCache, AChangedFileMissesAndDropsTheStaleBody) {
  CompressedCache cache(1 << 20);
  cache.insert("/a.js", Coding::br, stamp(10, 1000), body_of(5));
  EXPECT_EQ(cache.find("/a.js", Coding::br, stamp(10, 1001)), nullptr);  // touched
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  cache.insert("/a.js", Coding::br, stamp(10), body_of(5));
  EXPECT_EQ(cache.find("/a.js", Coding::br, stamp(11)), nullptr);  // grew
  SourceStamp other_inode = stamp(10);
  other_inode.ino = 3;
  cache.insert("/a.js", Coding::br, stamp(10), body_of(5));
  EXPECT_EQ(cache.find("/a.js", Coding::br, other_inode), nullptr);  // replaced by rename
}

TEST(CompressedCache, StaysWithinItsByteBudgetDroppingTheLeastRecentlyUsed) {
  constexpr uint64_t budget = 64 * 1024;
  CompressedCache cache(budget);
  for (int i = 0; i < 100; ++i) {
    cache.insert("/f" + std::to_string(i), Coding::gzip, stamp(i), body_of(4000));
    EXPECT_LE(cache.bytes(), budget);
    // /f0 is used all the time: it stays.
    EXPECT_NE(cache.find("/f0", Coding::gzip, stamp(0)), nullptr) << i;
  }
  EXPECT_LT(cache.size(), 16u);
  EXPECT_EQ(cache.find("/f1", Coding::gzip, stamp(1)), nullptr);
  EXPECT_NE(cache.find("/f99", Coding::gzip, stamp(99)), nullptr);
}

TEST(CompressedCache, ABodyOverAQuarterOfTheBudgetIsNotKept) {
  CompressedCache cache(64 * 1024);
  cache.insert("/big", Coding::br, stamp(1), body_of(20 * 1024));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(CompressedCache, ReinsertingReplacesAndAccountsOnce) {
  CompressedCache cache(1 << 20);
  cache.insert("/a", Coding::br, stamp(1), body_of(100));
  uint64_t one = cache.bytes();
  cache.insert("/a", Coding::br, stamp(1), body_of(100));
  EXPECT_EQ(cache.bytes(), one);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(CompressedCache, AnEvictedBodyLivesOnWhileAResponseHoldsIt) {
  CompressedCache cache(64 * 1024);
  cache.insert("/a", Coding::br, stamp(1), body_of(10000, 'a'));
  auto held = cache.find("/a", Coding::br, stamp(1));
  for (int i = 0; i < 20; ++i) cache.insert("/x" + std::to_string(i), Coding::br, stamp(1), body_of(10000));
  EXPECT_EQ(cache.find("/a", Coding::br, stamp(1)), nullptr);
  EXPECT_EQ(held->bytes, std::string(10000, 'a'));
}

}  // namespace
}  // namespace muxd::http
