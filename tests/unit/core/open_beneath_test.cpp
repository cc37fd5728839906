#include "core/open_beneath.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/unique_fd.h"

namespace muxd {
namespace {

class OpenBeneathTest : public ::testing::Test {
 protected:
  OpenBeneathTest() {
    char pattern[] = "/tmp/muxd-beneath-XXXXXX";
    base_ = ::mkdtemp(pattern);
    std::filesystem::create_directories(base_ + "/root/dir");
    std::ofstream(base_ + "/root/dir/inside.txt") << "inside";
    std::ofstream(base_ + "/outside.txt") << "secret";
    std::filesystem::create_symlink("dir/inside.txt", base_ + "/root/link-in");
    std::filesystem::create_symlink("../outside.txt", base_ + "/root/link-out");
    std::filesystem::create_symlink(base_ + "/root/dir/inside.txt", base_ + "/root/link-absolute");
    root_.reset(::open((base_ + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  }
  ~OpenBeneathTest() override { std::filesystem::remove_all(base_); }

  int error_opening(const char* relative) {
    UniqueFd fd(open_beneath(root_.get(), relative, O_RDONLY));
    return fd ? 0 : errno;
  }

  std::string base_;
  UniqueFd root_;
};

TEST_F(OpenBeneathTest, OpensFilesAndRelativeSymlinksInside) {
  EXPECT_EQ(error_opening("dir/inside.txt"), 0);
  EXPECT_EQ(error_opening("link-in"), 0);
  EXPECT_EQ(error_opening("dir/../dir/inside.txt"), 0);
}

TEST_F(OpenBeneathTest, RefusesEverythingThatLeavesTheRoot) {
  EXPECT_EQ(error_opening("../outside.txt"), EXDEV);
  EXPECT_EQ(error_opening("link-out"), EXDEV);
  EXPECT_EQ(error_opening("/etc/passwd"), EXDEV);
  EXPECT_EQ(error_opening("link-absolute"), EXDEV);  // the kernel cannot tell it points inside
  EXPECT_EQ(error_opening("missing"), ENOENT);
}

TEST_F(OpenBeneathTest, CreatesWithTheGivenMode) {
  mode_t saved = ::umask(022);
  UniqueFd fd(open_beneath(root_.get(), "dir/new.txt", O_WRONLY | O_CREAT | O_EXCL, 0640));
  ::umask(saved);
  ASSERT_TRUE(fd);
  struct stat st;
  ASSERT_EQ(::fstat(fd.get(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

}  // namespace
}  // namespace muxd
