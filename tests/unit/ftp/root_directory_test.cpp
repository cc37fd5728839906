#include "ftp/root_directory.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <system_error>

#include "temp_tree.h"

namespace muxd::ftp {
namespace {

using testing::TempTree;

class RootDirectoryTest : public ::testing::Test {
 protected:
  RootDirectoryTest() {
    outside_.write("secret", "outside");
    tree_.mkdir("root/sub");
    tree_.write("root/file", "hello");
    tree_.symlink("file", "root/inside-link");
    tree_.symlink("../file", "root/sub/up-link");
    tree_.symlink(outside_.at("secret"), "root/absolute-out");
    tree_.symlink("../../" + std::filesystem::path(outside_.path()).filename().string() + "/secret",
                  "root/relative-out");
    tree_.symlink(outside_.path(), "root/dir-out");
    tree_.symlink(tree_.at("root/file"), "root/absolute-in");
    tree_.symlink(tree_.at("root/sub"), "root/absolute-dir-in");
  }

  TempTree outside_;
  TempTree tree_;
  // Opened once the constructor has built the tree (members are built first).
  std::unique_ptr<RootDirectory> opened_;
  RootDirectory& root() {
    if (!opened_) opened_ = std::make_unique<RootDirectory>(tree_.at("root"));
    return *opened_;
  }
};

TEST_F(RootDirectoryTest, ThrowsForAMissingRoot) {
  EXPECT_THROW(RootDirectory("/nonexistent/muxd"), std::system_error);
}

TEST_F(RootDirectoryTest, OpensFilesAndFollowsSymlinksThatStayInside) {
  int error = 0;
  EXPECT_TRUE(root().open("/file", O_RDONLY, &error));
  EXPECT_TRUE(root().open("/inside-link", O_RDONLY, &error));
  EXPECT_TRUE(root().open("/sub/up-link", O_RDONLY, &error));
  EXPECT_TRUE(root().open("/absolute-in", O_RDONLY, &error));  // checked on the file reached
  EXPECT_TRUE(root().open("/absolute-dir-in/up-link", O_RDONLY, &error));
  struct stat st;
  EXPECT_EQ(root().stat("/", &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_F(RootDirectoryTest, SymlinksLeadingOutFail) {
  int error = 0;
  for (const char* path : {"/absolute-out", "/relative-out", "/dir-out/secret"}) {
    EXPECT_FALSE(root().open(path, O_RDONLY, &error)) << path;
    EXPECT_EQ(error, EXDEV) << path;
    struct stat st;
    EXPECT_EQ(root().stat(path, &st), EXDEV) << path;
  }
}

TEST_F(RootDirectoryTest, NulInAPathIsRefused) {
  int error = 0;
  EXPECT_FALSE(root().open(std::string("/file\0x", 7), O_RDONLY, &error));
  EXPECT_EQ(error, ENOENT);
}

TEST_F(RootDirectoryTest, CannotCreateThroughASymlinkLeadingOut) {
  EXPECT_EQ(root().make_directory("/dir-out/new"), EXDEV);
  int error = 0;
  Upload upload = root().create_upload("/dir-out/new", true, &error);
  EXPECT_FALSE(upload.valid());
  EXPECT_EQ(error, EXDEV);
  EXPECT_EQ(outside_.names(), std::vector<std::string>{"secret"});
}

TEST_F(RootDirectoryTest, CreatesThroughAnAbsoluteSymlinkInside) {
  EXPECT_EQ(root().make_directory("/absolute-dir-in/new"), 0);
  EXPECT_TRUE(tree_.exists("root/sub/new"));
  int error = 0;
  Upload upload = root().create_upload("/absolute-dir-in/up", false, &error);
  ASSERT_TRUE(upload.valid());
  EXPECT_EQ(upload.commit(), 0);
  EXPECT_TRUE(tree_.exists("root/sub/up"));
}

TEST_F(RootDirectoryTest, DirectoryOperations) {
  EXPECT_EQ(root().make_directory("/new"), 0);
  EXPECT_EQ(root().make_directory("/new"), EEXIST);
  EXPECT_EQ(root().remove_directory("/sub"), ENOTEMPTY);
  EXPECT_EQ(root().remove_directory("/new"), 0);
  EXPECT_EQ(root().remove_directory("/"), EBUSY);
}

TEST_F(RootDirectoryTest, RemovingASymlinkRemovesTheLinkOnly) {
  EXPECT_EQ(root().remove_file("/absolute-out"), 0);
  EXPECT_TRUE(outside_.exists("secret"));
  EXPECT_EQ(root().remove_file("/sub"), EISDIR);
}

TEST_F(RootDirectoryTest, Rename) {
  EXPECT_EQ(root().rename("/file", "/sub/moved"), 0);
  EXPECT_EQ(tree_.read("root/sub/moved"), "hello");
  EXPECT_EQ(root().rename("/missing", "/x"), ENOENT);
  EXPECT_EQ(root().rename("/", "/x"), EBUSY);
}

TEST_F(RootDirectoryTest, UploadAppearsOnlyWhenCommitted) {
  int error = 0;
  Upload upload = root().create_upload("/up.bin", false, &error);
  ASSERT_TRUE(upload.valid());
  ASSERT_EQ(::write(upload.fd(), "data", 4), 4);
  EXPECT_FALSE(tree_.exists("root/up.bin"));
  EXPECT_EQ(upload.commit(), 0);
  EXPECT_EQ(tree_.read("root/up.bin"), "data");
  EXPECT_EQ(tree_.names("root").size(), 9u);  // no temporary left
}

TEST_F(RootDirectoryTest, DiscardedUploadLeavesNothing) {
  auto before = tree_.names("root");
  {
    int error = 0;
    Upload upload = root().create_upload("/up.bin", false, &error);
    ASSERT_TRUE(upload.valid());
    EXPECT_EQ(tree_.names("root").size(), before.size() + 1);
  }
  EXPECT_EQ(tree_.names("root"), before);
}

TEST_F(RootDirectoryTest, UploadWithoutReplaceNeverOverwrites) {
  int error = 0;
  Upload upload = root().create_upload("/file", false, &error);
  ASSERT_TRUE(upload.valid());
  ASSERT_EQ(::write(upload.fd(), "evil", 4), 4);
  EXPECT_EQ(upload.commit(), EEXIST);
  EXPECT_EQ(tree_.read("root/file"), "hello");
  EXPECT_EQ(tree_.names("root").size(), 8u);  // the temporary is gone
}

TEST_F(RootDirectoryTest, UploadWithReplaceOverwrites) {
  int error = 0;
  Upload upload = root().create_upload("/file", true, &error);
  ASSERT_EQ(::write(upload.fd(), "new", 3), 3);
  EXPECT_EQ(upload.commit(), 0);
  EXPECT_EQ(tree_.read("root/file"), "new");
}

TEST_F(RootDirectoryTest, InPlaceAppendAndResume) {
  int error = 0;
  Upload append = root().open_in_place("/file", true, 0, &error);
  ASSERT_TRUE(append.valid());
  ASSERT_EQ(::write(append.fd(), "!", 1), 1);
  EXPECT_EQ(append.commit(), 0);
  EXPECT_EQ(tree_.read("root/file"), "hello!");
  Upload resume = root().open_in_place("/file", false, 2, &error);
  ASSERT_TRUE(resume.valid());
  ASSERT_EQ(::write(resume.fd(), "LP", 2), 2);
  resume.commit();
  EXPECT_EQ(tree_.read("root/file"), "heLP");
}

TEST_F(RootDirectoryTest, ResumeBeyondTheEndIsInvalid) {
  int error = 0;
  EXPECT_FALSE(root().open_in_place("/file", false, 6, &error).valid());
  EXPECT_EQ(error, EINVAL);
  EXPECT_FALSE(root().open_in_place("/sub", true, 0, &error).valid());
  EXPECT_EQ(tree_.read("root/file"), "hello");
}

}  // namespace
}  // namespace muxd::ftp
