#pragma once
// RootDirectory: the directory `muxd ftp --root` serves, and the only way the
// server touches the filesystem. Every lookup is openat2(RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS) relative to the root's fd, so "..", absolute symlinks
// and symlinks leading out fail in the kernel (EXDEV), whatever races happen.
// Paths given here are clean virtual paths (virtual_path.h): "/" or "/a/b".
// Failures are errno values (0 is success).
#include <sys/stat.h>

#include <string>
#include <string_view>

#include "core/unique_fd.h"

namespace muxd::ftp {

// Every upload goes to a temporary file with this prefix next to its target;
// listings hide such names.
inline constexpr std::string_view kUploadPrefix = ".muxd-upload-";

// A file being uploaded. For a whole-file upload it is a temporary file that
// commit() renames into place; destroying it uncommitted removes it, so an
// interrupted upload leaves nothing behind. For an append or a resumed upload
// it is the existing file, written in place (that is what resuming means).
class Upload {
 public:
  Upload() = default;
  Upload(UniqueFd file, UniqueFd dir, std::string temp_name, std::string final_name, bool replace);
  Upload(Upload&& other) noexcept;
  Upload& operator=(Upload&& other) noexcept;
  ~Upload();

  int fd() const { return file_.get(); }
  bool valid() const { return file_.valid(); }
  // Renames the temporary file onto its name. Without `replace`, an existing
  // file wins (EEXIST) and the upload is discarded: RENAME_NOREPLACE makes
  // "never overwrite" race-free.
  int commit();
  void discard();

 private:
  UniqueFd file_;
  UniqueFd dir_;            // the target's directory (O_PATH)
  std::string temp_name_;   // empty: written in place, nothing to rename
  std::string final_name_;
  bool replace_ = false;
};

class RootDirectory {
 public:
  // Opens `dir` and checks that openat2 works (Linux >= 5.6); throws
  // std::system_error naming the directory otherwise.
  explicit RootDirectory(const std::string& dir);

  // open(2) flags without O_CREAT; a symlink is followed while it stays inside.
  UniqueFd open(std::string_view path, int flags, int* error) const;
  int stat(std::string_view path, struct stat* st) const;
  UniqueFd open_directory(std::string_view path, int* error) const;

  int make_directory(std::string_view path) const;
  int remove_directory(std::string_view path) const;
  int remove_file(std::string_view path) const;
  // The entries themselves move (a symlink is renamed, not its target).
  int rename(std::string_view from, std::string_view to) const;

  // A temporary file in the directory of `path`, to be committed onto `path`.
  Upload create_upload(std::string_view path, bool replace, int* error) const;
  // `path` itself opened for writing at `offset` (it is cut there first):
  // resumed uploads (REST + STOR) and APPE (offset = its size).
  Upload open_in_place(std::string_view path, bool append, uint64_t offset, int* error) const;

 private:
  int open_beneath(std::string_view path, int flags, int mode) const;
  // Opens the parent directory of `path` (O_PATH) and gives the last name.
  UniqueFd open_parent(std::string_view path, std::string* name, int* error) const;

  UniqueFd root_;
};

}  // namespace muxd::ftp
