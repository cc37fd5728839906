#include "http/document_root.h"

#include <fcntl.h>

#include <cerrno>

namespace muxd::http {
namespace {

bool servable(const struct stat& st) {
  return S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
}

}  // namespace

DocumentRoot::DocumentRoot(const std::string& dir) : root_(dir, "document root") {}

std::variant<OpenedFile, int> DocumentRoot::open(std::string_view clean_path) const {
  int error = 0;
  // O_NONBLOCK keeps a FIFO from blocking the open; it changes nothing for
  // regular files.
  OpenedFile file{root_.open(clean_path, O_RDONLY | O_NONBLOCK, &error), {}};
  if (!file.fd) return error;
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
