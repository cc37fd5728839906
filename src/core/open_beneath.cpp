#include "core/open_beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace muxd {

int open_beneath(int dir_fd, const char* relative, int flags, int mode) {
  open_how how{};
  // openat2 refuses flag combinations open(2) would ignore: O_PATH takes no O_NOCTTY.
  int extra = (flags & O_PATH) ? O_CLOEXEC : O_CLOEXEC | O_NOCTTY;
  how.flags = static_cast<uint64_t>(flags | extra);
  bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;  // O_TMPFILE includes O_DIRECTORY
  how.mode = creates ? static_cast<uint64_t>(mode) : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  // EAGAIN: a concurrent rename made the kernel's ".." check inconclusive
  // (openat2(2)); retrying is safe, and bounded so it cannot spin.
  for (int attempt = 0; attempt < 4; ++attempt) {
    long fd = ::syscall(SYS_openat2, dir_fd, relative, &how, sizeof how);
    if (fd >= 0 || (errno != EAGAIN && errno != EINTR)) return static_cast<int>(fd);
  }
  return -1;
}

}  // namespace muxd
