#pragma once
// DocumentRoot: the directory a static server serves, and the only way to open
// files beneath it: a thin layer over core's ConfinedRoot (confined_root.h),
// which the kernel's RESOLVE_BENEATH confines, so symlinks and races cannot
// lead outside the root. This layer adds what a web server serves (files and
// directories) and the errno -> status mapping.
#include <sys/stat.h>

#include <string>
#include <string_view>
#include <variant>

#include "core/confined_root.h"
#include "core/unique_fd.h"

namespace muxd::http {

struct OpenedFile {
  UniqueFd fd;
  struct stat st;
};

class DocumentRoot {
 public:
  // Opens `dir` (O_PATH | O_DIRECTORY) and checks that openat2() works here.
  // Throws std::system_error naming `dir` (or openat2) when either fails.
  explicit DocumentRoot(const std::string& dir);

  // Opens a clean path (from clean_target_path, starting with '/') read-only
  // beneath the root. A symlink whose target stays inside the root works,
  // relative or absolute; one that leaves it fails with EXDEV. A directory is
  // returned as is (st says S_ISDIR): the caller redirects or appends
  // "index.html". FIFOs, sockets and devices are refused with EACCES. Returns
  // the fd and its fstat, or an errno.
  std::variant<OpenedFile, int> open(std::string_view clean_path) const;
  // The entries of a directory beneath the root (--dir-listing), confined as open() is.
  DirectoryReader read_directory(std::string_view clean_path, int* error) const {
    return root_.read_directory(clean_path, error);
  }

 private:
  ConfinedRoot root_;
};

// The single errno -> HTTP status mapping (as nginx does): ENOENT, ENOTDIR,
// ENAMETOOLONG, ELOOP, EXDEV -> 404; EACCES, EPERM -> 403; anything else 500.
int status_for_errno(int err);

}  // namespace muxd::http
