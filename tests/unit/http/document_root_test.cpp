#include "http/document_root.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "http/target_path.h"

namespace muxd::http {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::string read_all(int fd) {
  std::string content;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) content.append(buffer, n);
  return content;
}

// base/outside.txt and base/root/{index.html, a.txt, sub/, links...}
class DocumentRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/muxd_docroot_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    base_ = pattern;
    root_ = base_ / "root";
    fs::create_directories(root_ / "sub");
    write_file(base_ / "outside.txt", "outside");
    write_file(root_ / "index.html", "home");
    write_file(root_ / "a.txt", "alpha");
    write_file(root_ / "sub" / "index.html", "sub home");
    fs::create_symlink("sub/index.html", root_ / "link_inside");
    fs::create_directory_symlink("sub", root_ / "link_dir");
    fs::create_symlink("/etc/passwd", root_ / "link_passwd");
    fs::create_symlink("../outside.txt", root_ / "link_outside");
    fs::create_symlink(root_ / "a.txt", root_ / "link_absolute");
    fs::create_directory_symlink(root_ / "sub", root_ / "link_absolute_dir");
    fs::create_symlink(base_ / "outside.txt", root_ / "link_absolute_outside");
    fs::create_symlink("loop_b", root_ / "loop_a");
    fs::create_symlink("loop_a", root_ / "loop_b");
  }
  void TearDown() override {
    if (!base_.empty()) fs::remove_all(base_);
  }

  // The errno of a failed open, or 0 when it succeeded.
  int open_errno(std::string_view path) const {
    auto result = DocumentRoot(root_.string()).open(path);
    return std::holds_alternative<int>(result) ? std::get<int>(result) : 0;
  }
  std::string open_content(std::string_view path) const {
    auto result = DocumentRoot(root_.string()).open(path);
    if (!std::holds_alternative<OpenedFile>(result)) return "<errno " + std::to_string(std::get<int>(result)) + ">";
    return read_all(std::get<OpenedFile>(result).fd.get());
  }

  fs::path base_, root_;
};

TEST_F(DocumentRootTest, ConstructorNamesTheMissingDirectory) {
  std::string missing = (base_ / "nope").string();
  try {
    DocumentRoot root(missing);
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
}

TEST_F(DocumentRootTest, ConstructorRefusesARegularFile) {
  EXPECT_THROW(DocumentRoot((root_ / "a.txt").string()), std::system_error);
}

TEST_F(DocumentRootTest, OpensARegularFileWithItsStat) {
  auto result = DocumentRoot(root_.string()).open("/a.txt");
  ASSERT_TRUE(std::holds_alternative<OpenedFile>(result));
  const OpenedFile& file = std::get<OpenedFile>(result);
  EXPECT_TRUE(S_ISREG(file.st.st_mode));
  EXPECT_EQ(file.st.st_size, 5);
  EXPECT_EQ(read_all(file.fd.get()), "alpha");
  EXPECT_TRUE(::fcntl(file.fd.get(), F_GETFD) & FD_CLOEXEC);
}

TEST_F(DocumentRootTest, DirectoriesAreReturnedAsDirectories) {
  DocumentRoot root(root_.string());
  for (const char* path : {"/", "/sub", "/sub/", "/link_dir"}) {
    auto result = root.open(path);
    ASSERT_TRUE(std::holds_alternative<OpenedFile>(result)) << path;
    EXPECT_TRUE(S_ISDIR(std::get<OpenedFile>(result).st.st_mode)) << path;
  }
  EXPECT_EQ(open_content("/sub/index.html"), "sub home");
  EXPECT_EQ(open_content("/index.html"), "home");
}

TEST_F(DocumentRootTest, MissingFilesAreNotFound) {
  EXPECT_EQ(open_errno("/missing.html"), ENOENT);
  EXPECT_EQ(open_errno("/sub/missing/x"), ENOENT);
  EXPECT_EQ(open_errno("/a.txt/"), ENOTDIR);
  EXPECT_EQ(open_errno("/a.txt/x"), ENOTDIR);
  EXPECT_EQ(status_for_errno(open_errno("/missing.html")), 404);
}

TEST_F(DocumentRootTest, SymlinksInsideTheRootWork) {
  EXPECT_EQ(open_content("/link_inside"), "sub home");
  EXPECT_EQ(open_content("/link_dir/index.html"), "sub home");
}

TEST_F(DocumentRootTest, SymlinksLeavingTheRootAreNotFound) {
  EXPECT_EQ(open_errno("/link_passwd"), EXDEV);
  EXPECT_EQ(open_errno("/link_outside"), EXDEV);
  EXPECT_EQ(status_for_errno(open_errno("/link_passwd")), 404);
  EXPECT_EQ(status_for_errno(open_errno("/link_outside")), 404);
}

// RESOLVE_BENEATH refuses every absolute symlink; the root then checks the
// file actually reached, so one pointing inside is served (as nginx does).
TEST_F(DocumentRootTest, AbsoluteSymlinksInsideTheRootWork) {
  EXPECT_EQ(open_content("/link_absolute"), "alpha");
  EXPECT_EQ(open_content("/link_absolute_dir/index.html"), "sub home");
}

TEST_F(DocumentRootTest, AbsoluteSymlinksLeavingTheRootAreNotFound) {
  EXPECT_EQ(open_errno("/link_absolute_outside"), EXDEV);
  EXPECT_EQ(status_for_errno(open_errno("/link_absolute_outside")), 404);
}

TEST_F(DocumentRootTest, SymlinkLoopsAreNotFound) {
  EXPECT_EQ(open_errno("/loop_a"), ELOOP);
  EXPECT_EQ(status_for_errno(ELOOP), 404);
}

TEST_F(DocumentRootTest, UnreadableFileIsForbidden) {
  write_file(root_ / "secret.txt", "secret");
  ::chmod((root_ / "secret.txt").c_str(), 0);
  if (::geteuid() == 0) GTEST_SKIP() << "root reads mode 000 files; status_for_errno covers EACCES";
  EXPECT_EQ(open_errno("/secret.txt"), EACCES);
  EXPECT_EQ(status_for_errno(EACCES), 403);
}

TEST_F(DocumentRootTest, FifoIsRefusedWithoutBlocking) {
  ASSERT_EQ(::mkfifo((root_ / "pipe").c_str(), 0644), 0);
  EXPECT_EQ(open_errno("/pipe"), EACCES);
}

TEST_F(DocumentRootTest, OverlongNamesAreNotFound) {
  EXPECT_EQ(open_errno("/" + std::string(300, 'n')), ENAMETOOLONG);
  EXPECT_EQ(open_errno("/" + std::string(PATH_MAX, 'n')), ENAMETOOLONG);
  EXPECT_EQ(status_for_errno(ENAMETOOLONG), 404);
}

TEST_F(DocumentRootTest, NonCleanPathsAreRejected) {
  EXPECT_EQ(open_errno("a.txt"), EINVAL);
  EXPECT_EQ(open_errno(""), EINVAL);
  EXPECT_EQ(open_errno(std::string_view("/a.txt\0x", 8)), ENOENT);
  EXPECT_EQ(open_errno("/../outside.txt"), EXDEV);  // the kernel refuses it too
}

// Every traversal shape, through the cleaner then the root: either refused
// by the cleaner, or resolved to a file beneath the root.
TEST_F(DocumentRootTest, TraversalShapesNeverLeaveTheRoot) {
  DocumentRoot root(root_.string());
  for (const char* raw : {"/../outside.txt", "/%2e%2e/outside.txt", "/%2E%2e/outside.txt",
                          "/.%2e/outside.txt", "/sub/../../outside.txt", "/..%2foutside.txt",
                          "/..%5coutside.txt", "/..\\outside.txt", "/a.txt%00.html"}) {
    EXPECT_FALSE(clean_target_path(raw)) << raw;
  }
  EXPECT_EQ(open_errno(*clean_target_path("//etc/passwd")), ENOENT);
  EXPECT_EQ(open_content(*clean_target_path("/sub/./../a.txt")), "alpha");
  EXPECT_EQ(open_content(*clean_target_path("/sub//index.html")), "sub home");
  EXPECT_EQ(open_content(*clean_target_path("/%61.txt")), "alpha");
}

TEST(StatusForErrno, MapsLikeNginx) {
  for (int err : {ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP, EXDEV}) EXPECT_EQ(status_for_errno(err), 404);
  for (int err : {EACCES, EPERM}) EXPECT_EQ(status_for_errno(err), 403);
  for (int err : {EIO, EMFILE, ENFILE, ENOMEM, EINVAL, 0}) EXPECT_EQ(status_for_errno(err), 500);
}

}  // namespace
}  // namespace muxd::http
