#include "http/file_cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "http_test_support.h"

namespace muxd::http {
namespace {

using namespace std::chrono_literals;
using testing::TempTree;

TEST(FileCache, KeepsSmallFilesInMemoryAndLargeOnesAsDescriptors) {
  TempTree tree;
  tree.write("small.css", "body{}");
  tree.write("large.bin", std::string(200'000, 'x'));
  DocumentRoot root(tree.path());
  FileCache cache(root);
  auto now = std::chrono::steady_clock::now();
  FileLookup small = cache.open("/small.css", now);
  ASSERT_TRUE(small.file);
  ASSERT_TRUE(small.file->body);
  EXPECT_EQ(std::string_view(small.file->body.get(), 6), "body{}");
  EXPECT_EQ(small.file->content_type, "text/css; charset=utf-8");
  FileLookup large = cache.open("/large.bin", now);
  ASSERT_TRUE(large.file);
  EXPECT_FALSE(large.file->body);
  EXPECT_TRUE(large.file->fd.valid());
}

TEST(FileCache, ReusesAnEntryWithinASecondAndRevalidatesAfter) {
  TempTree tree;
  tree.write("a.txt", "one");
  DocumentRoot root(tree.path());
  FileCache cache(root);
  auto now = std::chrono::steady_clock::now();
  auto first = cache.open("/a.txt", now).file;
  EXPECT_EQ(cache.open("/a.txt", now + 500ms).file, first);
  tree.write("a.txt", "changed!");
  auto later = cache.open("/a.txt", now + 1500ms).file;
  ASSERT_TRUE(later);
  EXPECT_NE(later, first);
  EXPECT_EQ(later->st.st_size, 8);
}

TEST(FileCache, ForgetsFilesThatDisappear) {
  TempTree tree;
  tree.write("a.txt", "one");
  DocumentRoot root(tree.path());
  FileCache cache(root);
  auto now = std::chrono::steady_clock::now();
  ASSERT_TRUE(cache.open("/a.txt", now).file);
  std::filesystem::remove(tree.path() + "/a.txt");
  FileLookup gone = cache.open("/a.txt", now + 2s);
  EXPECT_FALSE(gone.file);
  EXPECT_EQ(gone.error, ENOENT);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(FileCache, ReportsDirectoriesWithoutCachingThem) {
  TempTree tree;
  tree.write("dir/x", "x");
  DocumentRoot root(tree.path());
  FileCache cache(root);
  FileLookup dir = cache.open("/dir", std::chrono::steady_clock::now());
  EXPECT_TRUE(dir.is_directory);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(FileCache, StaysWithinItsEntryAndMemoryLimits) {
  TempTree tree;
  for (int i = 0; i < 20; ++i) tree.write("f" + std::to_string(i), std::string(1000, 'x'));
  DocumentRoot root(tree.path());
  FileCache cache(root, {.max_entries = 8, .max_small_file = 4096, .max_memory_bytes = 3000});
  auto now = std::chrono::steady_clock::now();
  int in_memory = 0;
  for (int i = 0; i < 20; ++i) {
    auto file = cache.open("/f" + std::to_string(i), now).file;
    ASSERT_TRUE(file);
    in_memory += file->body != nullptr;
  }
  EXPECT_LE(cache.size(), 8u);
  EXPECT_GE(in_memory, 3);  // memory is given back as entries are evicted
}

}  // namespace
}  // namespace muxd::http
