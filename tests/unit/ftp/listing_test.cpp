#include "ftp/listing.h"

#include <gtest/gtest.h>

#include <set>

#include "ftp/root_directory.h"
#include "temp_tree.h"

namespace muxd::ftp {
namespace {

using testing::TempTree;

constexpr std::time_t kNow = 1700000000;  // 2023-11-14 22:13:20 UTC

struct stat file_stat(off_t size, std::time_t mtime, mode_t mode = S_IFREG | 0644) {
  struct stat st {};
  st.st_size = size;
  st.st_mtime = mtime;
  st.st_mode = mode;
  return st;
}

std::string drain(ListingStream& listing, size_t budget = 1 << 16) {
  std::string out;
  while (listing.fill(out, out.size() + budget)) {
  }
  return out;
}

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find("\r\n", start);
    lines.insert(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

TEST(ListingFormat, RecentFileShowsTheTime) {
  std::string out;
  append_list_line(out, "a b.txt", file_stat(1234, kNow - 3600), kNow);
  EXPECT_EQ(out, "-rw-r--r-- 1 ftp ftp         1234 Nov 14 21:13 a b.txt\r\n");
}

TEST(ListingFormat, OldFileShowsTheYear) {
  std::string out;
  append_list_line(out, "old", file_stat(0, 1000000000, S_IFDIR | 0755), kNow);
  EXPECT_EQ(out, "drwxr-xr-x 1 ftp ftp            0 Sep  9  2001 old\r\n");
}

TEST(ListingFormat, Timeval) { EXPECT_EQ(format_timeval(kNow), "20231114221320"); }

TEST(ListingFormat, FactsDependOnAccess) {
  auto file = file_stat(5, kNow);
  auto dir = file_stat(4096, kNow, S_IFDIR | 0755);
  EXPECT_EQ(format_facts(file, kDefaultFacts, Access::full),
            "type=file;size=5;modify=20231114221320;perm=adfrw;");
  EXPECT_EQ(format_facts(file, kDefaultFacts, Access::read_only),
            "type=file;size=5;modify=20231114221320;perm=r;");
  EXPECT_EQ(format_facts(dir, kDefaultFacts, Access::full), "type=dir;modify=20231114221320;perm=cdeflmp;");
  EXPECT_EQ(format_facts(dir, kFactType | kFactPerm, Access::read_only), "type=dir;perm=el;");
  EXPECT_EQ(format_facts(file, kFactUnixMode, Access::full), "UNIX.mode=0644;");
}

TEST(ListingFormat, FactsLine) {
  std::string out;
  append_facts_line(out, "名字 x", file_stat(1, kNow), kFactSize, Access::full);
  EXPECT_EQ(out, "size=1; 名字 x\r\n");
}

TEST(ListingFormat, DescribeAndParseFacts) {
  EXPECT_EQ(describe_facts(kDefaultFacts), "type*;size*;modify*;perm*;UNIX.mode;");
  EXPECT_EQ(parse_fact_list("Type;SIZE;bogus;"), static_cast<FactSet>(kFactType | kFactSize));
  EXPECT_EQ(parse_fact_list(""), 0u);
  EXPECT_EQ(parse_fact_list("unix.mode"), static_cast<FactSet>(kFactUnixMode));
}

TEST(ListingFormat, ListableNames) {
  for (bool dotfiles : {false, true}) {
    EXPECT_TRUE(listable_name("a", dotfiles));
    EXPECT_TRUE(listable_name("a.b.", dotfiles));
    EXPECT_FALSE(listable_name(".", dotfiles));
    EXPECT_FALSE(listable_name("..", dotfiles));
    EXPECT_FALSE(listable_name("a\nb", dotfiles));
    EXPECT_FALSE(listable_name("a\rb", dotfiles));
    EXPECT_FALSE(listable_name(".muxd-upload-0123456789abcdef", dotfiles));  // always private
  }
  EXPECT_FALSE(listable_name(".hidden", false));
  EXPECT_FALSE(listable_name("...", false));
  EXPECT_TRUE(listable_name(".hidden", true));
}

class DirectoryListingTest : public ::testing::Test {
 protected:
  DirectoryListingTest() {
    outside_.write("secret", "x");
    tree_.mkdir("sub");
    tree_.write("file one", "12345");
    tree_.write("sub/inner", "");
    tree_.write(".muxd-upload-00000000000000ff", "partial");
    tree_.write("bad\nname", "");
    tree_.symlink("file one", "link-in");
    tree_.symlink("../file one", "sub/link-up");
    tree_.symlink(outside_.at("secret"), "link-out");
    tree_.symlink(tree_.at("sub/inner"), "sub/link-absolute");
    tree_.symlink(tree_.at("sub"), "link-absolute-dir");
    tree_.symlink(outside_.path(), "sub/link-absolute-out");
    tree_.symlink("missing", "dangling");
    ::mkfifo(tree_.at("fifo").c_str(), 0644);
  }

  std::string list(const std::string& dir, ListingFormat format, size_t budget = 1 << 16, bool dotfiles = false) {
    int error = 0;
    UniqueFd fd = root_.open_directory(dir, &error);
    ListingOptions options{format, kFactType | kFactSize, Access::full, kNow, dotfiles};
    auto listing = list_directory(root_, dir, std::move(fd), options);
    return drain(*listing, budget);
  }

  TempTree outside_;
  TempTree tree_;
  RootDirectory root_{tree_.path()};
};

TEST_F(DirectoryListingTest, NamesHideWhatCannotBeUsed) {
  EXPECT_EQ(lines_of(list("/", ListingFormat::names)),
            (std::set<std::string>{"file one", "sub", "link-in", "link-absolute-dir"}));
}

TEST_F(DirectoryListingTest, DotfilesAreHiddenUnlessAllowed) {
  tree_.write(".profile", "");
  tree_.mkdir(".git");
  for (auto format : {ListingFormat::names, ListingFormat::list, ListingFormat::facts}) {
    std::string hidden = list("/", format);
    EXPECT_EQ(hidden.find(".profile"), std::string::npos);
    EXPECT_EQ(hidden.find(".git"), std::string::npos);
    EXPECT_NE(hidden.find("file one"), std::string::npos);
  }
  auto names = lines_of(list("/", ListingFormat::names, 1 << 16, true));
  EXPECT_EQ(names.count(".profile"), 1u);
  EXPECT_EQ(names.count(".git"), 1u);
  EXPECT_EQ(names.count(".muxd-upload-00000000000000ff"), 0u);
}

TEST_F(DirectoryListingTest, SymlinksShowTheirTarget) {
  EXPECT_EQ(lines_of(list("/", ListingFormat::facts)),
            (std::set<std::string>{"type=file;size=5; file one", "type=dir; sub", "type=file;size=5; link-in",
                                   "type=dir; link-absolute-dir"}));
  EXPECT_EQ(lines_of(list("/sub", ListingFormat::facts)),
            (std::set<std::string>{"type=file;size=0; inner", "type=file;size=5; link-up",
                                   "type=file;size=0; link-absolute"}));
}

// The directory itself reached through an absolute symlink inside the root.
TEST_F(DirectoryListingTest, ListsADirectoryBehindAnAbsoluteSymlink) {
  EXPECT_EQ(lines_of(list("/link-absolute-dir", ListingFormat::names)),
            (std::set<std::string>{"inner", "link-up", "link-absolute"}));
}

TEST_F(DirectoryListingTest, StreamsInChunksOfTheBudget) {
  for (int i = 0; i < 300; ++i) tree_.write("sub/f" + std::to_string(i), "");
  int error = 0;
  ListingOptions options{ListingFormat::list, kDefaultFacts, Access::full, kNow};
  auto listing = list_directory(root_, "/sub", root_.open_directory("/sub", &error), options);
  std::string chunk;
  EXPECT_TRUE(listing->fill(chunk, 200));
  EXPECT_GE(chunk.size(), 200u);
  EXPECT_LT(chunk.size(), 200u + 100u);  // at most one line past the budget
  std::string rest = drain(*listing, 200);
  EXPECT_EQ(lines_of(chunk + rest).size(), 303u);
}

TEST(SingleListing, OneLineInEachFormat) {
  auto st = file_stat(7, kNow);
  ListingOptions options{ListingFormat::names, kDefaultFacts, Access::full, kNow};
  EXPECT_EQ(drain(*list_single("f", st, options)), "f\r\n");
  options.format = ListingFormat::facts;
  options.facts = kFactSize;
  EXPECT_EQ(drain(*list_single("f", st, options)), "size=7; f\r\n");
}

}  // namespace
}  // namespace muxd::ftp
