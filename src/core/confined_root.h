#pragma once
// ConfinedRoot: a directory tree served to clients (`muxd http --root`,
// `muxd ftp --root`), and the only way a service touches the filesystem
// beneath it: open, stat, directory reading, mkdir, rmdir, unlink, rename and
// uploads. Paths are clean root paths, "/" or "/a/b" (no "." or ".."
// segments; http may keep a trailing '/'), as the services' lexical cleaners
// produce them. Failures are errno values; nothing here throws after the
// constructor, so it is safe to call from an event loop.
//
// Confinement, in two steps (confined_root.cpp explains the details):
//  1. openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) relative to the root's
//     descriptor: the kernel refuses "..", absolute symlinks and symlinks
//     leading out (EXDEV), whatever races happen. Almost every lookup ends here.
//  2. Only on EXDEV, so that absolute symlinks pointing INSIDE the root work
//     (as nginx serves them): the path is resolved by the kernel with symlinks
//     followed but as O_PATH (which opens nothing: no device or FIFO is
//     touched), the kernel's own path of the resulting descriptor is compared
//     with the root's ('/' boundary), and what lies inside is reopened with
//     RESOLVE_BENEATH again and must be the same inode. Anything else stays
//     EXDEV. The decision rests on the descriptor, never on the link's text.
//
// A ConfinedRoot is immutable after construction: one may be shared by every
// worker thread.
#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/unique_fd.h"

namespace muxd {

// Every upload goes to a temporary file with this prefix next to its target;
// services hide such names (a policy above this layer: readdir returns them).
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

// One entry of a directory. `error` is 0 when `st` is valid; otherwise why it
// could not be stat'ed: EXDEV for a symlink leading out of the root, ENOENT
// for a dangling one. A symlink is described by what it leads to.
struct DirectoryEntry {
  std::string name;
  int error = 0;
  struct stat st {};
};

class ConfinedRoot;

// Reads the entries of a directory beneath a ConfinedRoot, one at a time (a
// big directory is never loaded whole). "." and ".." are skipped; everything
// else, dotfiles and upload temporaries included, is returned.
class DirectoryReader {
 public:
  DirectoryReader() = default;
  bool valid() const { return dir_ != nullptr; }
  // Fills `entry` with the next entry; false at the end (or on a read error,
  // then error() says which).
  bool next(DirectoryEntry* entry);
  int error() const { return error_; }

 private:
  friend class ConfinedRoot;
  struct CloseDir {
    void operator()(DIR* dir) const { ::closedir(dir); }
  };
  DirectoryReader(const ConfinedRoot& root, DIR* dir, std::string path);
  void stat_entry(const dirent& raw, DirectoryEntry* entry) const;

  const ConfinedRoot* root_ = nullptr;  // outlives its readers
  std::unique_ptr<DIR, CloseDir> dir_;
  std::string path_;  // the directory's root path, to resolve symlink entries
  int error_ = 0;
};

class ConfinedRoot {
 public:
  // Opens `dir` (O_PATH | O_DIRECTORY) and checks that openat2 works (Linux
  // >= 5.6). Throws std::system_error naming "`what` `dir`" when either fails
  // (start-up only).
  explicit ConfinedRoot(const std::string& dir, std::string_view what = "root");

  // open(2) flags; O_CREAT is ignored (creating goes through create_upload
  // and make_directory). A symlink is followed while it stays inside.
  UniqueFd open(std::string_view path, int flags, int* error) const;
  // stat(2) of what `path` leads to (symlinks followed, confined).
  int stat(std::string_view path, struct stat* st) const;
  UniqueFd open_directory(std::string_view path, int* error) const;

  // Reads `dir`, a descriptor open_directory(path) returned (adopted, closed
  // by the reader). `path` resolves the entries that are symlinks.
  DirectoryReader read_directory(UniqueFd dir, std::string path) const;
  DirectoryReader read_directory(std::string_view path, int* error) const;

  // The last segment of the path is the entry itself, never followed: these
  // act on a symlink, not on its target. The parent directory may be reached
  // through symlinks, absolute ones included, with the same confinement as
  // open() (see confined_root.cpp).
  int make_directory(std::string_view path) const;
  int remove_directory(std::string_view path) const;
  int remove_file(std::string_view path) const;
  int rename(std::string_view from, std::string_view to) const;

  // A temporary file in the directory of `path`, to be committed onto `path`.
  Upload create_upload(std::string_view path, bool replace, int* error) const;
  // `path` itself opened for writing at `offset` (it is cut there first):
  // resumed uploads (REST + STOR) and APPE (offset = its size).
  Upload open_in_place(std::string_view path, bool append, uint64_t offset, int* error) const;

 private:
  // A descriptor for `path` (step 1, then step 2 on EXDEV), or -1 with errno.
  int open_confined(std::string_view path, int flags) const;
  int open_relative(const char* relative, int flags, bool explain_missing) const;
  int open_through_symlinks(const char* relative, int flags, bool explain_missing) const;
  bool missing_inside(std::string_view relative) const;
  // Opens the parent directory of `path` (O_PATH) and gives the last name.
  UniqueFd open_parent(std::string_view path, std::string* name, int* error) const;

  UniqueFd root_;
};

}  // namespace muxd
