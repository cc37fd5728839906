#include "core/confined_root.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include "core/unique_fd.h"

namespace muxd {
namespace {

namespace fs = std::filesystem;

// base/{outside.txt, outside_dir/secret, root2/x, root/...}: root holds files,
// a dotfile, and symlinks of every shape, relative and absolute, inside and out.
class ConfinedRootTest : public ::testing::Test {
 protected:
  ConfinedRootTest() {
    char pattern[] = "/tmp/muxd-confined-XXXXXX";
    base_ = ::mkdtemp(pattern);
    root_ = base_ + "/root";
    fs::create_directories(root_ + "/sub");
    fs::create_directories(base_ + "/outside_dir");
    fs::create_directories(base_ + "/root2");
    write(base_ + "/outside.txt", "outside");
    write(base_ + "/outside_dir/secret", "secret");
    write(base_ + "/root2/x", "sibling");
    write(root_ + "/a.txt", "alpha");
    write(root_ + "/.hidden", "dot");
    write(root_ + "/sub/b.txt", "beta");
    link("sub/b.txt", "rel_in");
    link(root_ + "/sub/b.txt", "abs_in");
    link("sub", "rel_dir_in");
    link(root_ + "/sub", "abs_dir_in");
    link("abs_in", "chain_in");  // relative -> absolute -> file, all inside
    link(root_, "abs_root");
    link(root_ + "/sub/../a.txt", "abs_with_dotdot_in");
    link("../outside.txt", "rel_out");
    link(base_ + "/outside.txt", "abs_out");
    link("/etc/passwd", "abs_passwd");
    link("../outside_dir", "rel_dir_out");
    link(base_ + "/outside_dir", "abs_dir_out");
    link(root_ + "/rel_out", "chain_out");  // absolute inside -> relative out
    link(base_ + "/root2/x", "abs_sibling");  // "/root2" starts with "/root" as a string
    link(root_ + "/missing", "abs_dangling");
  }
  ~ConfinedRootTest() override { fs::remove_all(base_); }

  static void write(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
  }
  static std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
  }
  static std::string read_all(int fd) {
    std::string content;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) content.append(buffer, static_cast<size_t>(n));
    return content;
  }
  void link(const std::string& target, const std::string& name) const {
    fs::create_symlink(target, root_ + "/" + name);
  }

  ConfinedRoot& root() {
    if (!root_object_) root_object_ = std::make_unique<ConfinedRoot>(root_);
    return *root_object_;
  }
  // The content read through the root, or "<errno N>".
  std::string content(std::string_view path) {
    int error = 0;
    UniqueFd fd = root().open(path, O_RDONLY, &error);
    if (!fd) return "<errno " + std::to_string(error) + ">";
    return read_all(fd.get());
  }
  int open_error(std::string_view path, int flags = O_RDONLY) {
    int error = 0;
    UniqueFd fd = root().open(path, flags, &error);
    return fd ? 0 : error;
  }
  int stat_error(std::string_view path) {
    struct stat st;
    return root().stat(path, &st);
  }

  std::string base_, root_;
  std::unique_ptr<ConfinedRoot> root_object_;
};

TEST_F(ConfinedRootTest, ThrowsNamingAMissingRoot) {
  try {
    ConfinedRoot missing(base_ + "/nope", "test root");
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    EXPECT_NE(std::string(e.what()).find("test root " + base_ + "/nope"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ConfinedRoot(root_ + "/a.txt"), std::system_error);
}

TEST_F(ConfinedRootTest, OpensFilesAndTheRoot) {
  EXPECT_EQ(content("/a.txt"), "alpha");
  EXPECT_EQ(content("/sub/b.txt"), "beta");
  struct stat st;
  ASSERT_EQ(root().stat("/", &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(open_error("/missing"), ENOENT);
  EXPECT_EQ(open_error("/a.txt/"), ENOTDIR);
}

TEST_F(ConfinedRootTest, RelativeSymlinksInsideWork) {
  EXPECT_EQ(content("/rel_in"), "beta");
  EXPECT_EQ(content("/rel_dir_in/b.txt"), "beta");
}

TEST_F(ConfinedRootTest, AbsoluteSymlinksInsideWork) {
  EXPECT_EQ(content("/abs_in"), "beta");
  EXPECT_EQ(content("/chain_in"), "beta");
  EXPECT_EQ(content("/abs_with_dotdot_in"), "alpha");  // decided on the file, not the link's text
  struct stat st;
  ASSERT_EQ(root().stat("/abs_in", &st), 0);
  EXPECT_EQ(st.st_size, 4);
  ASSERT_EQ(root().stat("/abs_root", &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_F(ConfinedRootTest, SymlinkedDirectoryInTheMiddleOfAPathWorksBothWays) {
  EXPECT_EQ(content("/rel_dir_in/b.txt"), "beta");
  EXPECT_EQ(content("/abs_dir_in/b.txt"), "beta");
  EXPECT_EQ(content("/abs_root/abs_dir_in/b.txt"), "beta");
  int error = 0;
  EXPECT_TRUE(root().open_directory("/abs_dir_in", &error));
}

TEST_F(ConfinedRootTest, RelativeSymlinksLeadingOutAreRefused) {
  for (const char* path : {"/rel_out", "/rel_dir_out/secret", "/rel_dir_out"}) {
    EXPECT_EQ(open_error(path), EXDEV) << path;
    EXPECT_EQ(stat_error(path), EXDEV) << path;
  }
}

TEST_F(ConfinedRootTest, AbsoluteSymlinksLeadingOutAreRefused) {
  for (const char* path : {"/abs_out", "/abs_passwd", "/abs_dir_out/secret", "/abs_dir_out",
                           "/chain_out", "/abs_sibling", "/abs_root/abs_out"}) {
    EXPECT_EQ(open_error(path), EXDEV) << path;
    EXPECT_EQ(stat_error(path), EXDEV) << path;
  }
  EXPECT_EQ(open_error("/abs_dangling"), EXDEV);  // step 2 cannot prove it stays inside
}

// A new name in a directory behind an absolute link is ENOENT (uploads and
// mkdir need that); a missing name outside stays EXDEV.
TEST_F(ConfinedRootTest, MissingNamesBehindAbsoluteLinks) {
  EXPECT_EQ(stat_error("/abs_dir_in/missing"), ENOENT);
  EXPECT_EQ(open_error("/abs_dir_in/missing"), ENOENT);
  EXPECT_EQ(stat_error("/abs_dir_out/missing"), EXDEV);
  EXPECT_EQ(stat_error("/abs_dir_in/missing/deeper"), EXDEV);  // one level only
  EXPECT_EQ(stat_error("/abs_dir_in/b.txt/x"), EXDEV);
}

TEST_F(ConfinedRootTest, DotDotEscapesAreRefused) {
  EXPECT_EQ(open_error("/../outside.txt"), EXDEV);
  EXPECT_EQ(open_error("/sub/../../outside.txt"), EXDEV);
  EXPECT_EQ(open_error("/abs_dir_in/../../outside.txt"), EXDEV);
  EXPECT_EQ(content("/sub/../a.txt"), "alpha");  // stays inside: the kernel allows it
  EXPECT_EQ(open_error("//etc/passwd"), EXDEV);  // not a clean path: no second chance
  EXPECT_EQ(open_error("a.txt"), EINVAL);
  EXPECT_EQ(open_error(""), EINVAL);
  EXPECT_EQ(open_error(std::string_view("/a.txt\0x", 8)), ENOENT);
}

TEST_F(ConfinedRootTest, ProcMagicLinksAreRefused) {
  UniqueFd outside(::open((base_ + "/outside.txt").c_str(), O_RDONLY | O_CLOEXEC));
  UniqueFd inside(::open((root_ + "/a.txt").c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(outside && inside);
  link("/proc/self/fd/" + std::to_string(outside.get()), "proc_out");
  link("/proc/self/fd/" + std::to_string(inside.get()), "proc_in");  // magic even when inside
  link("/proc/self/root" + base_ + "/outside.txt", "proc_root");
  link("/proc/self/cwd", "proc_cwd");
  link("/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(outside.get()), "proc_pid");
  for (const char* path : {"/proc_out", "/proc_in", "/proc_root", "/proc_cwd", "/proc_pid"}) {
    EXPECT_EQ(open_error(path), EXDEV) << path;
    EXPECT_EQ(stat_error(path), EXDEV) << path;
  }
}

// Step 2 resolves with O_PATH: a FIFO outside is never opened, so a blocking
// open cannot hang the caller (this test would never end otherwise).
TEST_F(ConfinedRootTest, NothingOutsideIsOpenedBeforeTheCheck) {
  ASSERT_EQ(::mkfifo((base_ + "/fifo").c_str(), 0644), 0);
  link(base_ + "/fifo", "abs_fifo");
  EXPECT_EQ(open_error("/abs_fifo", O_RDONLY), EXDEV);
  EXPECT_EQ(open_error("/abs_fifo", O_WRONLY), EXDEV);
}

TEST_F(ConfinedRootTest, WorksWhenTheRootIsGivenThroughASymlinkAndAfterItMoves) {
  fs::create_symlink(root_, base_ + "/root_link");
  ConfinedRoot through_link(base_ + "/root_link");
  int error = 0;
  EXPECT_TRUE(through_link.open("/abs_in", O_RDONLY, &error));
  fs::rename(root_, base_ + "/moved");
  fs::create_symlink(base_ + "/moved/a.txt", base_ + "/moved/abs_after_move");
  EXPECT_TRUE(through_link.open("/abs_after_move", O_RDONLY, &error));  // judged by where it is now
  EXPECT_FALSE(through_link.open("/abs_in", O_RDONLY, &error));         // its target path is gone
  EXPECT_EQ(error, EXDEV);
  fs::rename(base_ + "/moved", root_);
}

// A link flipped between a target inside and one outside while it is opened:
// every open that succeeds gives the inside file.
TEST_F(ConfinedRootTest, FlippingALinkNeverLeaksTheOutsideFile) {
  std::atomic<bool> stop{false};
  std::thread flipper([&] {
    std::string tmp = root_ + "/flip_tmp";
    for (bool inside = true; !stop; inside = !inside) {
      ::unlink(tmp.c_str());
      ::symlink(inside ? (root_ + "/a.txt").c_str() : (base_ + "/outside.txt").c_str(), tmp.c_str());
      ::rename(tmp.c_str(), (root_ + "/flip").c_str());
    }
  });
  int served = 0, refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string got = content("/flip");
    if (got == "alpha") ++served;
    else if (got == "<errno " + std::to_string(EXDEV) + ">" || got == "<errno 2>") ++refused;
    else ADD_FAILURE() << "got " << got;
  }
  stop = true;
  flipper.join();
  EXPECT_GT(served + refused, 0);
}

TEST_F(ConfinedRootTest, WritesThroughSymlinkedDirectories) {
  EXPECT_EQ(root().make_directory("/abs_dir_in/new"), 0);
  EXPECT_TRUE(fs::is_directory(root_ + "/sub/new"));
  EXPECT_EQ(root().make_directory("/rel_dir_in/new2"), 0);
  for (const char* path : {"/abs_dir_out/new", "/rel_dir_out/new"}) {
    EXPECT_EQ(root().make_directory(path), EXDEV) << path;
    int error = 0;
    EXPECT_FALSE(root().create_upload(path, true, &error).valid()) << path;
    EXPECT_EQ(error, EXDEV) << path;
    EXPECT_EQ(root().rename("/a.txt", path), EXDEV) << path;
  }
  EXPECT_EQ(fs::directory_iterator(base_ + "/outside_dir")->path().filename(), "secret");
  EXPECT_EQ(std::distance(fs::directory_iterator(base_ + "/outside_dir"), fs::directory_iterator()), 1);
}

TEST_F(ConfinedRootTest, DirectoryOperations) {
  EXPECT_EQ(root().make_directory("/new"), 0);
  EXPECT_EQ(root().make_directory("/new"), EEXIST);
  EXPECT_EQ(root().remove_directory("/sub"), ENOTEMPTY);
  EXPECT_EQ(root().remove_directory("/new"), 0);
  EXPECT_EQ(root().remove_directory("/"), EBUSY);
  EXPECT_EQ(root().remove_file("/sub"), EISDIR);
  EXPECT_EQ(root().remove_file("/abs_out"), 0);  // the link goes, not its target
  EXPECT_TRUE(fs::exists(base_ + "/outside.txt"));
  EXPECT_EQ(root().remove_file("/abs_dir_in/b.txt"), 0);
  EXPECT_FALSE(fs::exists(root_ + "/sub/b.txt"));
}

TEST_F(ConfinedRootTest, Rename) {
  EXPECT_EQ(root().rename("/a.txt", "/sub/moved"), 0);
  EXPECT_EQ(read_file(root_ + "/sub/moved"), "alpha");
  EXPECT_EQ(root().rename("/abs_dir_in/moved", "/abs_root/back"), 0);
  EXPECT_EQ(read_file(root_ + "/back"), "alpha");
  EXPECT_EQ(root().rename("/abs_in", "/renamed_link"), 0);  // the link moves, its target stays
  EXPECT_TRUE(fs::is_symlink(root_ + "/renamed_link"));
  EXPECT_EQ(read_file(root_ + "/sub/b.txt"), "beta");
  EXPECT_EQ(root().rename("/missing", "/x"), ENOENT);
  EXPECT_EQ(root().rename("/", "/x"), EBUSY);
}

TEST_F(ConfinedRootTest, UploadAppearsOnlyWhenCommitted) {
  int error = 0;
  Upload upload = root().create_upload("/abs_dir_in/up.bin", false, &error);
  ASSERT_TRUE(upload.valid()) << error;
  ASSERT_EQ(::write(upload.fd(), "data", 4), 4);
  EXPECT_FALSE(fs::exists(root_ + "/sub/up.bin"));
  size_t with_temporary = static_cast<size_t>(
      std::distance(fs::directory_iterator(root_ + "/sub"), fs::directory_iterator()));
  EXPECT_EQ(with_temporary, 2u);
  EXPECT_EQ(upload.commit(), 0);
  EXPECT_EQ(read_file(root_ + "/sub/up.bin"), "data");
  EXPECT_EQ(std::distance(fs::directory_iterator(root_ + "/sub"), fs::directory_iterator()), 2);
}

TEST_F(ConfinedRootTest, DiscardedUploadLeavesNothing) {
  auto count = [&] { return std::distance(fs::directory_iterator(root_), fs::directory_iterator()); };
  auto before = count();
  {
    int error = 0;
    Upload upload = root().create_upload("/up.bin", false, &error);
    ASSERT_TRUE(upload.valid());
    EXPECT_EQ(count(), before + 1);
    Upload moved = std::move(upload);  // the move carries the duty to clean up
    EXPECT_EQ(count(), before + 1);
  }
  EXPECT_EQ(count(), before);
  EXPECT_FALSE(fs::exists(root_ + "/up.bin"));
}

TEST_F(ConfinedRootTest, UploadWithoutReplaceNeverOverwrites) {
  int error = 0;
  Upload upload = root().create_upload("/a.txt", false, &error);
  ASSERT_TRUE(upload.valid());
  ASSERT_EQ(::write(upload.fd(), "evil", 4), 4);
  EXPECT_EQ(upload.commit(), EEXIST);
  EXPECT_EQ(read_file(root_ + "/a.txt"), "alpha");
  Upload replacing = root().create_upload("/a.txt", true, &error);
  ASSERT_EQ(::write(replacing.fd(), "new", 3), 3);
  EXPECT_EQ(replacing.commit(), 0);
  EXPECT_EQ(read_file(root_ + "/a.txt"), "new");
}

TEST_F(ConfinedRootTest, InPlaceAppendAndResumeThroughAnAbsoluteLink) {
  int error = 0;
  Upload append = root().open_in_place("/abs_in", true, 0, &error);
  ASSERT_TRUE(append.valid()) << error;
  ASSERT_EQ(::write(append.fd(), "!", 1), 1);
  EXPECT_EQ(append.commit(), 0);
  EXPECT_EQ(read_file(root_ + "/sub/b.txt"), "beta!");
  Upload resume = root().open_in_place("/sub/b.txt", false, 2, &error);
  ASSERT_TRUE(resume.valid());
  ASSERT_EQ(::write(resume.fd(), "TA", 2), 2);
  resume.commit();
  EXPECT_EQ(read_file(root_ + "/sub/b.txt"), "beTA");
  EXPECT_FALSE(root().open_in_place("/sub/b.txt", false, 9, &error).valid());
  EXPECT_EQ(error, EINVAL);
  EXPECT_FALSE(root().open_in_place("/abs_out", true, 0, &error).valid());
  EXPECT_EQ(error, EXDEV);
  EXPECT_EQ(read_file(base_ + "/outside.txt"), "outside");
}

TEST_F(ConfinedRootTest, ReadsADirectoryWithEveryEntry) {
  int error = 0;
  DirectoryReader reader = root().read_directory("/", &error);
  ASSERT_TRUE(reader.valid()) << error;
  std::map<std::string, DirectoryEntry> entries;
  DirectoryEntry entry;
  while (reader.next(&entry)) entries[entry.name] = entry;
  EXPECT_EQ(reader.error(), 0);
  EXPECT_FALSE(entries.count(".") || entries.count(".."));
  ASSERT_TRUE(entries.count(".hidden"));  // filtering is a policy above this layer
  EXPECT_EQ(entries[".hidden"].error, 0);
  EXPECT_EQ(entries[".hidden"].st.st_size, 3);
  EXPECT_TRUE(S_ISDIR(entries["sub"].st.st_mode));
  EXPECT_EQ(entries["a.txt"].st.st_size, 5);
  for (const char* name : {"rel_in", "abs_in", "chain_in"}) {
    EXPECT_EQ(entries[name].error, 0) << name;
    EXPECT_TRUE(S_ISREG(entries[name].st.st_mode)) << name;  // what it leads to
    EXPECT_EQ(entries[name].st.st_size, 4) << name;
  }
  EXPECT_TRUE(S_ISDIR(entries["abs_dir_in"].st.st_mode));
  for (const char* name : {"rel_out", "abs_out", "abs_passwd", "abs_dir_out", "chain_out", "abs_sibling"}) {
    EXPECT_EQ(entries[name].error, EXDEV) << name;
  }
  EXPECT_EQ(entries.size(), 18u);
}

TEST_F(ConfinedRootTest, ReadsADirectoryReachedThroughAnAbsoluteLink) {
  int error = 0;
  UniqueFd dir = root().open_directory("/abs_dir_in", &error);
  ASSERT_TRUE(dir);
  DirectoryReader reader = root().read_directory(std::move(dir), "/abs_dir_in");
  DirectoryEntry entry;
  ASSERT_TRUE(reader.next(&entry));
  EXPECT_EQ(entry.name, "b.txt");
  EXPECT_EQ(entry.st.st_size, 4);
  EXPECT_FALSE(reader.next(&entry));
  EXPECT_FALSE(root().read_directory("/abs_dir_out", &error).valid());
  EXPECT_EQ(error, EXDEV);
  EXPECT_FALSE(root().read_directory("/a.txt", &error).valid());
  EXPECT_EQ(error, ENOTDIR);
  EXPECT_FALSE(root().read_directory("/abs_in", &error).valid());  // a file, behind an absolute link
  EXPECT_EQ(error, ENOTDIR);
}

}  // namespace
}  // namespace muxd
