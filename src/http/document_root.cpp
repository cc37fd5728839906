#include "http/document_root.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/open_beneath.h"

namespace muxd::http {
namespace {

// O_NONBLOCK keeps a FIFO from blocking the open; it changes nothing for
// regular files.
int open_read_only(int dir_fd, const char* relative) {
  return open_beneath(dir_fd, relative, O_RDONLY | O_NONBLOCK);
}

bool servable(const struct stat& st) {
  return S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
}

}  // namespace

DocumentRoot::DocumentRoot(const std::string& dir)
    : root_(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {
  if (!root_) throw std::system_error(errno, std::generic_category(), "document root " + dir);
  UniqueFd probe(open_read_only(root_.get(), "."));
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

  OpenedFile file{UniqueFd(open_read_only(root_.get(), buffer)), {}};
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
