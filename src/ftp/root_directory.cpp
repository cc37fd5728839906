#include "ftp/root_directory.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "core/open_beneath.h"
#include "ftp/virtual_path.h"

namespace muxd::ftp {
namespace {

std::string random_temp_name() {
  uint64_t random = 0;
  if (::getrandom(&random, sizeof random, 0) != sizeof random) {
    static thread_local uint64_t counter = 0;  // getrandom cannot fail for 8 bytes; be safe anyway
    random = (static_cast<uint64_t>(::getpid()) << 32) ^ ++counter;
  }
  return fmt::format("{}{:016x}", kUploadPrefix, random);
}

UniqueFd take_fd(long fd, int* error) {
  if (fd < 0) *error = errno;
  return UniqueFd(static_cast<int>(fd));
}

}  // namespace

Upload::Upload(UniqueFd file, UniqueFd dir, std::string temp_name, std::string final_name,
               bool replace)
    : file_(std::move(file)),
      dir_(std::move(dir)),
      temp_name_(std::move(temp_name)),
      final_name_(std::move(final_name)),
      replace_(replace) {}

Upload::Upload(Upload&& other) noexcept
    : file_(std::move(other.file_)),
      dir_(std::move(other.dir_)),
      temp_name_(std::exchange(other.temp_name_, {})),
      final_name_(std::move(other.final_name_)),
      replace_(other.replace_) {}

Upload& Upload::operator=(Upload&& other) noexcept {
  if (this != &other) {
    discard();
    file_ = std::move(other.file_);
    dir_ = std::move(other.dir_);
    temp_name_ = std::exchange(other.temp_name_, {});
    final_name_ = std::move(other.final_name_);
    replace_ = other.replace_;
  }
  return *this;
}

Upload::~Upload() { discard(); }

int Upload::commit() {
  file_.reset();
  if (temp_name_.empty()) return 0;
  unsigned flags = replace_ ? 0 : RENAME_NOREPLACE;
  if (::renameat2(dir_.get(), temp_name_.c_str(), dir_.get(), final_name_.c_str(), flags) != 0) {
    int error = errno;
    discard();
    return error;
  }
  temp_name_.clear();
  return 0;
}

void Upload::discard() {
  file_.reset();
  if (!temp_name_.empty() && dir_.valid()) ::unlinkat(dir_.get(), temp_name_.c_str(), 0);
  temp_name_.clear();
}

RootDirectory::RootDirectory(const std::string& dir)
    : root_(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {
  if (!root_) throw std::system_error(errno, std::generic_category(), "ftp root " + dir);
  UniqueFd probe(open_beneath("/", O_PATH | O_DIRECTORY, 0));
  if (!probe) {
    throw std::system_error(errno, std::generic_category(),
                            "openat2 on ftp root " + dir + " (needs Linux >= 5.6)");
  }
}

int RootDirectory::open_beneath(std::string_view path, int flags, int mode) const {
  std::string relative = relative_to_root(path);
  if (relative.find('\0') != std::string::npos) {
    errno = ENOENT;  // would be truncated at the NUL
    return -1;
  }
  return muxd::open_beneath(root_.get(), relative.c_str(), flags, mode);
}

UniqueFd RootDirectory::open(std::string_view path, int flags, int* error) const {
  return take_fd(open_beneath(path, flags & ~O_CREAT, 0), error);
}

int RootDirectory::stat(std::string_view path, struct stat* st) const {
  UniqueFd fd(open_beneath(path, O_PATH, 0));
  if (!fd) return errno;
  return ::fstat(fd.get(), st) == 0 ? 0 : errno;
}

UniqueFd RootDirectory::open_directory(std::string_view path, int* error) const {
  return take_fd(open_beneath(path, O_RDONLY | O_DIRECTORY, 0), error);
}

UniqueFd RootDirectory::open_parent(std::string_view path, std::string* name, int* error) const {
  auto parts = split_parent(path);
  if (!parts) {
    *error = EBUSY;  // the root itself
    return UniqueFd();
  }
  *name = std::move(parts->second);
  return take_fd(open_beneath(parts->first, O_PATH | O_DIRECTORY, 0), error);
}

int RootDirectory::make_directory(std::string_view path) const {
  int error = 0;
  std::string name;
  UniqueFd dir = open_parent(path, &name, &error);
  if (!dir) return error;
  return ::mkdirat(dir.get(), name.c_str(), 0755) == 0 ? 0 : errno;
}

int RootDirectory::remove_directory(std::string_view path) const {
  int error = 0;
  std::string name;
  UniqueFd dir = open_parent(path, &name, &error);
  if (!dir) return error;
  return ::unlinkat(dir.get(), name.c_str(), AT_REMOVEDIR) == 0 ? 0 : errno;
}

int RootDirectory::remove_file(std::string_view path) const {
  int error = 0;
  std::string name;
  UniqueFd dir = open_parent(path, &name, &error);
  if (!dir) return error;
  return ::unlinkat(dir.get(), name.c_str(), 0) == 0 ? 0 : errno;
}

int RootDirectory::rename(std::string_view from, std::string_view to) const {
  int error = 0;
  std::string from_name, to_name;
  UniqueFd from_dir = open_parent(from, &from_name, &error);
  if (!from_dir) return error;
  UniqueFd to_dir = open_parent(to, &to_name, &error);
  if (!to_dir) return error;
  int result = ::renameat(from_dir.get(), from_name.c_str(), to_dir.get(), to_name.c_str());
  return result == 0 ? 0 : errno;
}

Upload RootDirectory::create_upload(std::string_view path, bool replace, int* error) const {
  std::string name;
  UniqueFd dir = open_parent(path, &name, error);
  if (!dir) return Upload();
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::string temp = random_temp_name();
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
    UniqueFd file(::openat(dir.get(), temp.c_str(), flags, 0644));
    if (file) return Upload(std::move(file), std::move(dir), std::move(temp), std::move(name), replace);
    *error = errno;
    if (*error != EEXIST) break;
  }
  return Upload();
}

Upload RootDirectory::open_in_place(std::string_view path, bool append, uint64_t offset,
                                    int* error) const {
  UniqueFd file = take_fd(open_beneath(path, O_WRONLY | O_NONBLOCK, 0), error);
  if (!file) return Upload();
  struct stat st;
  if (::fstat(file.get(), &st) != 0) *error = errno;
  else if (!S_ISREG(st.st_mode)) *error = EISDIR;
  else if (!append && offset > static_cast<uint64_t>(st.st_size)) *error = EINVAL;
  else {
    off_t start = append ? st.st_size : static_cast<off_t>(offset);
    if (::ftruncate(file.get(), start) == 0 && ::lseek(file.get(), start, SEEK_SET) == start) {
      return Upload(std::move(file), UniqueFd(), "", "", true);
    }
    *error = errno;
  }
  return Upload();
}

}  // namespace muxd::ftp
