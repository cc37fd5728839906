#pragma once
// RootDirectory: the directory `muxd ftp --root` serves, and the only way the
// server touches the filesystem. It is core's ConfinedRoot (confined_root.h):
// every lookup is openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) relative to
// the root's fd, so ".." and symlinks leading out fail in the kernel (EXDEV),
// whatever races happen; an absolute symlink whose target is inside the root
// works, checked on the descriptor actually opened. Paths given here are clean
// virtual paths (virtual_path.h): "/" or "/a/b". Failures are errno values
// (0 is success).
#include <string>

#include "core/confined_root.h"

namespace muxd::ftp {

using muxd::kUploadPrefix;
using muxd::Upload;

class RootDirectory : public ConfinedRoot {
 public:
  // Opens `dir` and checks that openat2 works (Linux >= 5.6); throws
  // std::system_error naming the directory otherwise.
  explicit RootDirectory(const std::string& dir) : ConfinedRoot(dir, "ftp root") {}
};

}  // namespace muxd::ftp
