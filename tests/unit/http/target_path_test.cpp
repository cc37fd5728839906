#include "http/target_path.h"

#include <gtest/gtest.h>

#include <string>

namespace muxd::http {
namespace {

std::string clean(std::string_view raw) {
  std::optional<std::string> out = clean_target_path(raw);
  return out ? *out : std::string("<refused>");
}

TEST(TargetPath, PlainPathsAreUnchanged) {
  EXPECT_EQ(clean("/"), "/");
  EXPECT_EQ(clean("/index.html"), "/index.html");
  EXPECT_EQ(clean("/a/b/c.txt"), "/a/b/c.txt");
  EXPECT_EQ(clean("/dir/"), "/dir/");
  EXPECT_EQ(clean("/..."), "/...");
  EXPECT_EQ(clean("/..a/b.."), "/..a/b..");
}

TEST(TargetPath, PercentDecodes) {
  EXPECT_EQ(clean("/hello%20world.txt"), "/hello world.txt");
  EXPECT_EQ(clean("/%41%62c"), "/Abc");
  EXPECT_EQ(clean("/%e4%b8%ad.html"), "/\xe4\xb8\xad.html");
  EXPECT_EQ(clean("/100%25"), "/100%");
  EXPECT_EQ(clean("/a%2Eb"), "/a.b");
}

TEST(TargetPath, RawUtf8IsKept) { EXPECT_EQ(clean("/caf\xc3\xa9"), "/caf\xc3\xa9"); }

TEST(TargetPath, RemovesDotSegments) {  // RFC 3986 §5.2.4
  EXPECT_EQ(clean("/a/./b"), "/a/b");
  EXPECT_EQ(clean("/a/b/../c"), "/a/c");
  EXPECT_EQ(clean("/a/b/.."), "/a/");
  EXPECT_EQ(clean("/a/b/../"), "/a/");
  EXPECT_EQ(clean("/a/."), "/a/");
  EXPECT_EQ(clean("/."), "/");
  EXPECT_EQ(clean("/a/.."), "/");
  EXPECT_EQ(clean("/./a/./b/./"), "/a/b/");
}

TEST(TargetPath, EncodedDotsAreDotSegments) {
  EXPECT_EQ(clean("/a/%2e%2e/b"), "/b");
  EXPECT_EQ(clean("/a/%2E%2e/b"), "/b");
  EXPECT_EQ(clean("/a/.%2e/b"), "/b");
  EXPECT_EQ(clean("/a/%2e/b"), "/a/b");
}

TEST(TargetPath, CollapsesRepeatedSlashes) {
  EXPECT_EQ(clean("/a//b"), "/a/b");
  EXPECT_EQ(clean("//etc/passwd"), "/etc/passwd");  // stays beneath the root
  EXPECT_EQ(clean("///"), "/");
  EXPECT_EQ(clean("/a//"), "/a/");
}

TEST(TargetPath, RefusesClimbingAboveTheRoot) {
  for (const char* raw : {"/..", "/../", "/../x", "/%2e%2e/x", "/%2E%2e/x", "/.%2e/x", "/%2e./x",
                          "/a/../../x", "/a/b/../../../x", "/./../x", "//../x"}) {
    EXPECT_FALSE(clean_target_path(raw)) << raw;
  }
}

TEST(TargetPath, RefusesSeparatorTricks) {
  for (const char* raw : {"/a%2fb", "/a%2F..%2F..%2Fetc", "/..%2f", "/a\\b", "/..\\x", "/a%5cb",
                          "/a%5C..", "/%5c"}) {
    EXPECT_FALSE(clean_target_path(raw)) << raw;
  }
}

TEST(TargetPath, RefusesControlCharacters) {
  EXPECT_FALSE(clean_target_path("/a%00.html"));
  EXPECT_FALSE(clean_target_path(std::string_view("/a\0b", 4)));
  EXPECT_FALSE(clean_target_path("/a%0d%0aSet-Cookie:x"));
  EXPECT_FALSE(clean_target_path("/a\tb"));
  EXPECT_FALSE(clean_target_path("/a%7f"));
  EXPECT_FALSE(clean_target_path("/a%1F"));
}

TEST(TargetPath, RefusesBadEscapes) {
  for (const char* raw : {"/%", "/a%", "/a%2", "/%zz", "/%g0", "/%0g", "/a%%41", "/%-1"}) {
    EXPECT_FALSE(clean_target_path(raw)) << raw;
  }
}

TEST(TargetPath, RefusesRelativeAndEmpty) {
  EXPECT_FALSE(clean_target_path(""));
  EXPECT_FALSE(clean_target_path("a/b"));
  EXPECT_FALSE(clean_target_path("*"));
  EXPECT_FALSE(clean_target_path("%2fa"));
  EXPECT_FALSE(clean_target_path("../a"));
}

TEST(TargetPath, LengthLimitIsInclusive) {
  std::string at_limit = "/" + std::string(kMaxTargetPathLength - 1, 'a');
  EXPECT_EQ(clean(at_limit), at_limit);
  EXPECT_FALSE(clean_target_path(at_limit + "a"));
  EXPECT_FALSE(clean_target_path("/abcdef", 6));
  EXPECT_EQ(clean_target_path("/abcde", 6), "/abcde");
}

TEST(TargetPath, BufferVariantReusesOutput) {
  std::string out = "previous content that is long";
  ASSERT_TRUE(clean_target_path("/x/../y", out));
  EXPECT_EQ(out, "/y");
  EXPECT_FALSE(clean_target_path("/../y", out));
  ASSERT_TRUE(clean_target_path("/z/", out));
  EXPECT_EQ(out, "/z/");
}

}  // namespace
}  // namespace muxd::http

namespace muxd::http {
namespace {

TEST(HiddenPath, NamesStartingWithADotAtAnyDepthAreHidden) {
  EXPECT_TRUE(is_hidden_path("/.env"));
  EXPECT_TRUE(is_hidden_path("/.git/config"));
  EXPECT_TRUE(is_hidden_path("/a/b/.htpasswd"));
  EXPECT_TRUE(is_hidden_path("/a/.hidden/"));
  EXPECT_TRUE(is_hidden_path("/..."));
}

TEST(HiddenPath, OrdinaryNamesAndWellKnownAreNot) {
  EXPECT_FALSE(is_hidden_path("/"));
  EXPECT_FALSE(is_hidden_path("/index.html"));
  EXPECT_FALSE(is_hidden_path("/a.b/c.d"));
  EXPECT_FALSE(is_hidden_path("/a/b./c"));
  EXPECT_FALSE(is_hidden_path("/.well-known/acme-challenge/token"));
  EXPECT_FALSE(is_hidden_path("/.well-known/"));
  EXPECT_FALSE(is_hidden_path("/.well-known"));
}

TEST(HiddenPath, WellKnownDoesNotCoverItsLookalikesOrHiddenNamesInside) {
  EXPECT_TRUE(is_hidden_path("/.well-known-not/x"));
  EXPECT_TRUE(is_hidden_path("/.well-known/.secret"));
  EXPECT_TRUE(is_hidden_path("/a/.well-known/x"));
}

}  // namespace
}  // namespace muxd::http
