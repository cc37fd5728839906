#include "ftp/virtual_path.h"

#include <gtest/gtest.h>

namespace muxd::ftp {
namespace {

std::string resolved(std::string_view cwd, std::string_view argument) {
  PathError error = PathError::none;
  auto path = resolve_virtual_path(cwd, argument, &error);
  if (!path) return error == PathError::invalid ? "<invalid>" : "<outside>";
  return *path;
}

TEST(VirtualPath, RelativeJoinsTheWorkingDirectory) {
  EXPECT_EQ(resolved("/", "a"), "/a");
  EXPECT_EQ(resolved("/a", "b/c"), "/a/b/c");
  EXPECT_EQ(resolved("/a", ""), "/a");
}

TEST(VirtualPath, AbsoluteStartsAtTheRoot) {
  EXPECT_EQ(resolved("/a/b", "/c"), "/c");
  EXPECT_EQ(resolved("/a", "/"), "/");
}

TEST(VirtualPath, DotsAndSlashesAreNormalised) {
  EXPECT_EQ(resolved("/a/b", ".."), "/a");
  EXPECT_EQ(resolved("/a/b", "../.."), "/");
  EXPECT_EQ(resolved("/", "./x//y/./"), "/x/y");
  EXPECT_EQ(resolved("/", "x/../y"), "/y");
  EXPECT_EQ(resolved("/", "..."), "/...");
}

TEST(VirtualPath, SpacesAndUtf8AreOrdinary) {
  EXPECT_EQ(resolved("/", " my file "), "/ my file ");
  EXPECT_EQ(resolved("/文档", "报告.txt"), "/文档/报告.txt");
}

TEST(VirtualPath, ClimbingAboveTheRootIsRefused) {
  EXPECT_EQ(resolved("/", ".."), "<outside>");
  EXPECT_EQ(resolved("/a", "../../etc/passwd"), "<outside>");
  EXPECT_EQ(resolved("/", "/../etc"), "<outside>");
  EXPECT_EQ(resolved("/", "a/../../b"), "<outside>");
}

TEST(VirtualPath, ControlCharactersAndNulAreRefused) {
  EXPECT_EQ(resolved("/", std::string("a\0b", 3)), "<invalid>");
  EXPECT_EQ(resolved("/", "a\tb"), "<invalid>");
  EXPECT_EQ(resolved("/", "a\x7f"), "<invalid>");
}

TEST(VirtualPath, LengthLimit) {
  EXPECT_EQ(resolved("/", std::string(kMaxVirtualPath - 1, 'a')).size(), kMaxVirtualPath);
  EXPECT_EQ(resolved("/", std::string(kMaxVirtualPath, 'a')), "<invalid>");
  EXPECT_EQ(resolved("/" + std::string(3000, 'a'), std::string(2000, 'b')), "<invalid>");
}

TEST(VirtualPath, RelativeToRoot) {
  EXPECT_EQ(relative_to_root("/"), ".");
  EXPECT_EQ(relative_to_root("/a/b"), "a/b");
}

TEST(VirtualPath, SplitParent) {
  EXPECT_FALSE(split_parent("/"));
  EXPECT_EQ(split_parent("/a"), (std::pair<std::string, std::string>{"/", "a"}));
  EXPECT_EQ(split_parent("/a/b c"), (std::pair<std::string, std::string>{"/a", "b c"}));
}

TEST(VirtualPath, BaseName) {
  EXPECT_EQ(base_name("/"), "/");
  EXPECT_EQ(base_name("/a/b"), "b");
}

}  // namespace
}  // namespace muxd::ftp
