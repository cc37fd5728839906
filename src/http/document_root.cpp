#include "http/document_root.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace muxd::http {
namespace {

// RESOLVE_BENEATH refuses absolute paths, ".." and symlinks that escape the
// root (EXDEV); RESOLVE_NO_MAGICLINKS refuses /proc/<pid>/fd-style links.
// O_NONBLOCK keeps a FIFO from blocking the open; it changes nothing for
// regular files. glibc 2.36 has no wrapper, hence syscall().
int open_beneath(int dir_fd, const char* relative) {
  struct open_how how;
  std::memset(&how, 0, sizeof how);
  how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  // openat2(2): EAGAIN means a concurrent rename made the ".." check
  // inconclusive and the call may be retried; bounded so it cannot spin.
  for (int attempt = 0; attempt < 4; ++attempt) {
    long fd = ::syscall(SYS_openat2, dir_fd, relative, &how, sizeof how);
    if (fd >= 0 || (errno != EAGAIN && errno != EINTR)) return static_cast<int>(fd);
  }
  return -1;
}

bool servable(const struct stat& st) {
  return S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
}

}  // namespace

DocumentRoot::DocumentRoot(const std::string& dir)
    : root_(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {
  if (!root_) throw std::system_error(errno, std::generic_category(), "document root " + dir);
  UniqueFd probe(open_beneath(root_.get(), "."));
  if (!probe) {
    throw std::system_error(errno, std::generic_category(),
                            "openat2 on document root " + dir + " (needs Linux >= 5.6)");
  }
}

std::variant<OpenedFile, int> DocumentRoot::open(std::string_view clean_path) const {
  if (clean_path.empty() || clean_path[0] != '/') return EINVAL;
  std::string_view relative = clean_path.substr(1);
  char buffer[PATH_MAX];
  if (relative.size() >= sizeof buffer) return ENAMETOOLONG;
  if (relative.find('\0') != std::string_view::npos) return ENOENT;  // would truncate
  if (relative.empty()) relative = ".";  // the root itself
  std::memcpy(buffer, relative.data(), relative.size());
  buffer[relative.size()] = '\0';

  OpenedFile file{UniqueFd(open_beneath(root_.get(), buffer)), {}};
  if (!file.fd) return errno;
  if (::fstat(file.fd.get(), &file.st) != 0) return errno;
  if (!servable(file.st)) return EACCES;
  return file;
}

int status_for_errno(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
    case ELOOP:
    case EXDEV:
      return 404;
    case EACCES:
    case EPERM:
      return 403;
    default:
      return 500;
  }
}

}  // namespace muxd::http
