#include "http/conditional.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace muxd::http {
namespace {

constexpr time_t kMtime = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr const char* kMtimeText = "Sun, 06 Nov 1994 08:49:37 GMT";
const Validators kFile{1000, kMtime, "\"abc\""};

struct stat stat_of(time_t sec, long nsec, off_t size, ino_t ino) {
  struct stat st;
  std::memset(&st, 0, sizeof st);
  st.st_mtim.tv_sec = sec;
  st.st_mtim.tv_nsec = nsec;
  st.st_size = size;
  st.st_ino = ino;
  return st;
}

std::string etag_of(const struct stat& st) {
  char out[kEtagBufferSize];
  size_t length = format_etag(st, out);
  EXPECT_EQ(out[length], '\0');
  return std::string(out, length);
}

TEST(Etag, IsQuotedMtimeNanosSizeInode) {
  EXPECT_EQ(etag_of(stat_of(kMtime, 123456789, 1000, 42)), "\"lodpg71q9lol-v8-1a\"");
  EXPECT_EQ(etag_of(stat_of(0, 0, 0, 0)), "\"0-0-0\"");
}

TEST(Etag, WorstCaseFitsTheBuffer) {
  struct stat st = stat_of(-1, 999999999, std::numeric_limits<off_t>::max(), ~ino_t{0});
  std::string etag = etag_of(st);
  EXPECT_LT(etag.size(), kEtagBufferSize);
  EXPECT_EQ(etag, "\"fvvvvvvvvvvvv-7vvvvvvvvvvvv-fvvvvvvvvvvvv\"");  // 43 bytes
}

TEST(Etag, ChangesWithEachValidatorPart) {
  std::string base = etag_of(stat_of(kMtime, 0, 1000, 42));
  EXPECT_NE(base, etag_of(stat_of(kMtime, 1, 1000, 42)));
  EXPECT_NE(base, etag_of(stat_of(kMtime + 1, 0, 1000, 42)));
  EXPECT_NE(base, etag_of(stat_of(kMtime, 0, 1001, 42)));
  EXPECT_NE(base, etag_of(stat_of(kMtime, 0, 1000, 43)));
}

TEST(NotModified, IfNoneMatchUsesWeakComparison) {  // §13.1.2, §8.8.3.2
  EXPECT_TRUE(not_modified("\"abc\"", "", kFile));
  EXPECT_TRUE(not_modified("W/\"abc\"", "", kFile));
  EXPECT_TRUE(not_modified("\"x\", \"abc\"", "", kFile));
  EXPECT_TRUE(not_modified("\"x\",W/\"abc\"", "", kFile));
  EXPECT_TRUE(not_modified(" , \"abc\" ,, ", "", kFile));
  EXPECT_TRUE(not_modified("*", "", kFile));
  EXPECT_FALSE(not_modified("\"x\"", "", kFile));
  EXPECT_FALSE(not_modified("\"ab\"", "", kFile));
  EXPECT_FALSE(not_modified("\"abcd\"", "", kFile));
  EXPECT_FALSE(not_modified("w/\"abc\"", "", kFile));
}

TEST(NotModified, EntityTagsMayContainCommas) {
  Validators file{1, kMtime, "\"a,b\""};
  EXPECT_TRUE(not_modified("\"x\", \"a,b\"", "", file));
  EXPECT_FALSE(not_modified("\"a\", \"b\"", "", file));
}

TEST(NotModified, MalformedIfNoneMatchMatchesNothing) {
  for (const char* header : {"abc", "\"abc", "\"abc\" \"abc\"", "\"abc\", junk", "W/abc", "W/ \"abc\"",
                             "\"ab\x01\"", "**", "\"abc\";"}) {
    EXPECT_FALSE(not_modified(header, kMtimeText, kFile)) << header;
  }
}

TEST(NotModified, IfNoneMatchWinsOverIfModifiedSince) {  // §13.2.2
  EXPECT_FALSE(not_modified("\"x\"", kMtimeText, kFile));
  EXPECT_TRUE(not_modified("\"abc\"", "Thu, 01 Jan 1970 00:00:00 GMT", kFile));
}

TEST(NotModified, IfModifiedSinceComparesSeconds) {  // §13.1.3
  EXPECT_TRUE(not_modified("", kMtimeText, kFile));
  EXPECT_TRUE(not_modified("", "Mon, 07 Nov 1994 08:49:37 GMT", kFile));
  EXPECT_TRUE(not_modified("", "Sun Nov  6 08:49:37 1994", kFile));
  EXPECT_FALSE(not_modified("", "Sun, 06 Nov 1994 08:49:36 GMT", kFile));
  EXPECT_FALSE(not_modified("", "", kFile));
}

TEST(NotModified, InvalidIfModifiedSinceIsIgnored) {
  for (const char* header : {"yesterday", "0", "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",
                             "Sun, 31 Feb 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(not_modified("", header, kFile)) << header;
  }
}

RangeDecision range_of(std::string_view range, const Validators& file = kFile,
                       std::string_view if_range = "") {
  return decide_range(range, if_range, file);
}

::testing::AssertionResult IsPartial(const RangeDecision& d, uint64_t first, uint64_t length) {
  if (d.kind == RangeDecision::Partial && d.range.first == first && d.range.length == length) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "kind " << int(d.kind) << " first " << d.range.first
                                       << " length " << d.range.length;
}

TEST(Range, SingleRangesAreServed) {  // §14.1.2
  EXPECT_TRUE(IsPartial(range_of("bytes=0-99"), 0, 100));
  EXPECT_TRUE(IsPartial(range_of("bytes=100-"), 100, 900));
  EXPECT_TRUE(IsPartial(range_of("bytes=-10"), 990, 10));
  EXPECT_TRUE(IsPartial(range_of("bytes=999-999"), 999, 1));
  EXPECT_TRUE(IsPartial(range_of("bytes=0-"), 0, 1000));
  EXPECT_TRUE(IsPartial(range_of("BYTES=0-0"), 0, 1));
  EXPECT_TRUE(IsPartial(range_of("Bytes=1-2"), 1, 2));
}

TEST(Range, LastPositionAndSuffixAreClamped) {
  EXPECT_TRUE(IsPartial(range_of("bytes=990-5000"), 990, 10));
  EXPECT_TRUE(IsPartial(range_of("bytes=-2000"), 0, 1000));
  EXPECT_TRUE(IsPartial(range_of("bytes=0-99999999999999999999999999"), 0, 1000));
  EXPECT_TRUE(IsPartial(range_of("bytes=-99999999999999999999999999"), 0, 1000));
}

TEST(Range, EmptyListElementsAreSkipped) {  // §5.6.1
  EXPECT_TRUE(IsPartial(range_of("bytes=0-1,"), 0, 2));
  EXPECT_TRUE(IsPartial(range_of("bytes=, 0-1"), 0, 2));
  EXPECT_TRUE(IsPartial(range_of("bytes= 5-6 ,,"), 5, 2));
}

TEST(Range, UnsatisfiableRanges) {  // §14.1.1, §15.5.17
  for (const char* range : {"bytes=1000-", "bytes=1000-1001", "bytes=5000-", "bytes=-0",
                            "bytes=99999999999999999999999999-"}) {
    EXPECT_EQ(range_of(range).kind, RangeDecision::Unsatisfiable) << range;
  }
  EXPECT_EQ(range_of("bytes=" + std::string(10000, '9') + "-").kind, RangeDecision::Unsatisfiable);
}

TEST(Range, EmptyFileSatisfiesNoRange) {
  Validators empty{0, kMtime, "\"e\""};
  for (const char* range : {"bytes=0-", "bytes=0-0", "bytes=-5", "bytes=-0"}) {
    EXPECT_EQ(range_of(range, empty).kind, RangeDecision::Unsatisfiable) << range;
  }
}

TEST(Range, IgnoredRangesServeTheFullFile) {  // §14.2: a server may ignore Range
  for (const char* range : {"", "bytes=0-1,5-6", "bytes=0-1, 2000-", "bytes=-1,-2", "bytes=5-1", "bytes=",
                            "bytes", "bytes=-", "bytes=a-b", "bytes=0-1-2", "bytes=--1", "bytes=0x10-",
                            "bytes=+1-2", "bytes=1", "bytes =0-1", "items=0-1", "bytes=0 -1", "=0-1",
                            "bytes=0-1;x", "bytes=,,", "bytesx=0-1", "byte=0-1"}) {
    RangeDecision d = range_of(range);
    EXPECT_EQ(d.kind, RangeDecision::Full) << range;
  }
}

TEST(Range, ManyRangesAreBounded) {
  std::string many = "bytes=";
  for (int i = 0; i < 10000; ++i) many += "0-1,";
  EXPECT_EQ(range_of(many).kind, RangeDecision::Full);
}

TEST(Range, IfRangeWithOurStrongEtagKeepsTheRange) {  // §13.1.5
  EXPECT_TRUE(IsPartial(range_of("bytes=0-9", kFile, "\"abc\""), 0, 10));
  EXPECT_EQ(range_of("bytes=0-9", kFile, "\"xyz\"").kind, RangeDecision::Full);
  EXPECT_EQ(range_of("bytes=0-9", kFile, "W/\"abc\"").kind, RangeDecision::Full);
  EXPECT_EQ(range_of("bytes=0-9", kFile, "\"abc\" junk").kind, RangeDecision::Full);
  EXPECT_EQ(range_of("bytes=0-9", kFile, "\"abc").kind, RangeDecision::Full);
  EXPECT_EQ(range_of("bytes=5000-", kFile, "\"abc\"").kind, RangeDecision::Unsatisfiable);
  EXPECT_EQ(range_of("bytes=5000-", kFile, "\"xyz\"").kind, RangeDecision::Full);
}

TEST(Range, IfRangeNeverMatchesAWeakEtagOfOurs) {
  Validators weak{1000, kMtime, "W/\"abc\""};
  EXPECT_EQ(range_of("bytes=0-9", weak, "W/\"abc\"").kind, RangeDecision::Full);
  EXPECT_EQ(range_of("bytes=0-9", weak, "\"abc\"").kind, RangeDecision::Full);
}

TEST(Range, IfRangeWithADateNeedsExactEquality) {
  EXPECT_TRUE(IsPartial(range_of("bytes=0-9", kFile, kMtimeText), 0, 10));
  EXPECT_EQ(range_of("bytes=0-9", kFile, "Mon, 07 Nov 1994 08:49:37 GMT").kind, RangeDecision::Full);
  EXPECT_EQ(range_of("bytes=0-9", kFile, "Sun, 06 Nov 1994 08:49:36 GMT").kind, RangeDecision::Full);
  EXPECT_EQ(range_of("bytes=0-9", kFile, "not a date").kind, RangeDecision::Full);
}

TEST(Range, IfRangeWithoutRangeIsIgnored) {
  EXPECT_EQ(range_of("", kFile, "\"abc\"").kind, RangeDecision::Full);
}

}  // namespace
}  // namespace muxd::http
