#include "core/confined_root.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <linux/openat2.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "core/open_beneath.h"

// Why absolute symlinks need step 2, and why it is sound.
//
// RESOLVE_BENEATH refuses every absolute symlink, because the kernel does not
// know the root's place in the tree: /srv/site/current/app.js ->
// /srv/site/releases/42/app.js fails with EXDEV although it never leaves
// /srv/site. Step 2 decides on the file actually reached, not on the link:
//
//  a. The path (clean: no "..", not absolute) is resolved relative to the
//     root's descriptor with every symlink followed, but opened O_PATH, which
//     runs no driver's open(), truncates nothing and needs no read permission:
//     a link to /dev/watchdog or a FIFO outside has no effect. Magic links
//     (/proc/PID/fd/N, /proc/PID/root...) stay refused (RESOLVE_NO_MAGICLINKS).
//  b. /proc/self/fd/N of that descriptor and of the root's give the kernel's
//     own paths of both (d_path of mount + dentry: no symlink left in them,
//     not a string anyone outside supplied). The target is inside only if its
//     path is the root's or continues it after a '/' ("/srv/site2" is not
//     inside "/srv/site"). The root's path is read on every use, so a root
//     directory renamed while serving is still judged by where it is.
//  c. The part after the root's path is opened again from the root's
//     descriptor with RESOLVE_BENEATH and the caller's real flags, and must be
//     the same inode (st_dev, st_ino) as in (a). So the descriptor handed out
//     always comes from a RESOLVE_BENEATH open: even if (b) were wrong or the
//     tree changed in between, it cannot be outside the root; a swap between
//     (a) and (c) ends as EXDEV, never as another file.
//
// A failure in step 2 is EXDEV (bar running out of memory or descriptors): a
// link leading out says nothing about whether its target exists. One
// exception, so that uploads and mkdir work in a directory behind an absolute
// link: ENOENT when the parent directory resolves inside the root and the last
// name is not there at all (not even as a dangling symlink). That check only
// chooses the errno; it opens nothing for the caller.
//
// Limits, plainly:
//  - Needs /proc mounted; without it absolute symlinks stay refused (EXDEV),
//    as they were before step 2 existed.
//  - The comparison is by path in this process's mount namespace: a file
//    inside the root reached through another mount of the same directory (a
//    bind mount elsewhere) is refused. Conservative, never permissive.
//  - Resolving (a) walks directories outside the root (as any symlink-following
//    server does): it needs search permission there, and may trigger an
//    automount; it reads and opens nothing outside.
//  - It costs about six system calls, only on the EXDEV path; lookups that
//    stay relative and inside the root are one openat2, as before.
//  - Writes (mkdir, rmdir, unlink, rename, uploads) reach their parent
//    directory the same way, so a parent behind an absolute symlink inside the
//    root works; the last segment is acted on with *at() calls relative to
//    that parent and is never followed.

namespace muxd {
namespace {

constexpr int kResourceErrors[] = {EMFILE, ENFILE, ENOMEM};

// A root path ("/a/b", "/" or "/a/") as openat2 wants it: relative to the
// root's descriptor, NUL-terminated, without heap allocation on the hot path.
struct RelativePath {
  char text[PATH_MAX];
};

int to_relative(std::string_view path, RelativePath* out) {
  if (path.empty() || path[0] != '/') return EINVAL;
  std::string_view relative = path.substr(1);
  if (relative.find('\0') != std::string_view::npos) return ENOENT;  // would truncate
  if (relative.size() >= sizeof out->text) return ENAMETOOLONG;
  if (relative.empty()) relative = ".";  // the root itself
  std::memcpy(out->text, relative.data(), relative.size());
  out->text[relative.size()] = '\0';
  return 0;
}

// Step 2 is for clean paths only: a ".." segment or a leading '/' keeps the
// kernel's EXDEV (the cleaners never produce them; defence in depth).
bool clean_relative(std::string_view relative) {
  if (relative.starts_with('/')) return false;
  while (!relative.empty()) {
    size_t slash = relative.find('/');
    if (relative.substr(0, slash) == "..") return false;
    relative.remove_prefix(slash == std::string_view::npos ? relative.size() : slash + 1);
  }
  return true;
}

// Step 2a: symlinks followed wherever they lead, magic links refused, O_PATH.
// The caller's other flags (O_DIRECTORY, O_WRONLY...) wait for the reopen in
// step 2c, so a wrong type inside the root still gets its own errno (ENOTDIR).
int open_path_following(int dir_fd, const char* relative, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(O_PATH | O_CLOEXEC | (flags & O_NOFOLLOW));
  how.resolve = RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < 4; ++attempt) {
    long fd = ::syscall(SYS_openat2, dir_fd, relative, &how, sizeof how);
    if (fd >= 0 || (errno != EAGAIN && errno != EINTR)) return static_cast<int>(fd);
  }
  return -1;
}

// Step 2b: the kernel's path of what `fd` refers to. Fails without /proc, for
// a path that may have been truncated, and for what is not a path at all
// ("pipe:[123]", "anon_inode:...").
std::optional<std::string> kernel_path(int fd) {
  char link[32];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char buffer[PATH_MAX];
  ssize_t length = ::readlink(link, buffer, sizeof buffer);
  if (length <= 0 || static_cast<size_t>(length) >= sizeof buffer || buffer[0] != '/') {
    return std::nullopt;
  }
  return std::string(buffer, static_cast<size_t>(length));
}

// `target` relative to `root` when it is the root or beneath it, with a '/'
// boundary: ("/srv/site", "/srv/site/a/b") -> "a/b"; "/srv/site2/x" is not.
std::optional<std::string> path_beneath(std::string_view root, std::string_view target) {
  if (root == "/") return target == "/" ? "." : std::string(target.substr(1));
  if (!target.starts_with(root)) return std::nullopt;
  std::string_view rest = target.substr(root.size());
  if (rest.empty()) return ".";
  if (rest[0] != '/' || rest.size() == 1) return std::nullopt;
  return std::string(rest.substr(1));
}

bool same_inode(int a, int b) {
  struct stat sa, sb;
  if (::fstat(a, &sa) != 0 || ::fstat(b, &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// A failure of step 2 reads as "refused", unless the server itself ran short.
int refused(int error) {
  for (int resource : kResourceErrors) {
    if (error == resource) return error;
  }
  return EXDEV;
}

int fail(int error) {
  errno = error;
  return -1;
}

UniqueFd take_fd(int fd, int* error) {
  if (fd < 0) *error = errno;
  return UniqueFd(fd);
}

std::string random_temp_name() {
  uint64_t random = 0;
  if (::getrandom(&random, sizeof random, 0) != sizeof random) {
    static thread_local uint64_t counter = 0;  // getrandom cannot fail for 8 bytes; be safe anyway
    random = (static_cast<uint64_t>(::getpid()) << 32) ^ ++counter;
  }
  return fmt::format("{}{:016x}", kUploadPrefix, random);
}

// "/a/b" -> {"/a", "b"}; "/b" -> {"/", "b"}. The root itself has no parent
// and no name (EBUSY: it can never be removed or renamed); a trailing '/' or
// a "."/".." name is not a clean entry name (EINVAL).
int split_parent(std::string_view path, std::string_view* parent, std::string* name) {
  if (path.empty() || path[0] != '/') return EINVAL;
  if (path == "/") return EBUSY;
  size_t slash = path.rfind('/');
  std::string_view last = path.substr(slash + 1);
  if (last.empty() || last == "." || last == "..") return EINVAL;
  *parent = slash == 0 ? std::string_view("/") : path.substr(0, slash);
  name->assign(last);
  return 0;
}

std::string join(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (path.empty() || path.back() != '/') path.push_back('/');
  return path.append(name);
}

}  // namespace

// --- Upload -------------------------------------------------------------------

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

// --- DirectoryReader ----------------------------------------------------------

DirectoryReader::DirectoryReader(const ConfinedRoot& root, DIR* dir, std::string path)
    : root_(&root), dir_(dir), path_(std::move(path)) {}

bool DirectoryReader::next(DirectoryEntry* entry) {
  while (dir_) {
    errno = 0;
    const dirent* raw = ::readdir(dir_.get());
    if (!raw) {
      error_ = errno;  // 0 at the end
      return false;
    }
    std::string_view name = raw->d_name;
    if (name == "." || name == "..") continue;
    entry->name.assign(name);
    stat_entry(*raw, entry);
    return true;
  }
  return false;
}

// A plain entry of a directory inside the root is inside too: fstatat on the
// directory's descriptor. A symlink (or an entry of unknown type) goes back
// through the root, so it is described only if what it leads to is inside.
void DirectoryReader::stat_entry(const dirent& raw, DirectoryEntry* entry) const {
  if (raw.d_type != DT_LNK && raw.d_type != DT_UNKNOWN) {
    bool ok = ::fstatat(::dirfd(dir_.get()), raw.d_name, &entry->st, AT_SYMLINK_NOFOLLOW) == 0;
    entry->error = ok ? 0 : errno;
    return;
  }
  entry->error = root_->stat(join(path_, entry->name), &entry->st);
}

// --- ConfinedRoot -------------------------------------------------------------

ConfinedRoot::ConfinedRoot(const std::string& dir, std::string_view what)
    : root_(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)) {
  std::string name = fmt::format("{} {}", what, dir);
  if (!root_) throw std::system_error(errno, std::generic_category(), name);
  // The real cause, at start-up rather than on the first request: openat2
  // missing (Linux < 5.6, or a seccomp filter), or a root this user cannot read.
  UniqueFd probe(open_beneath(root_.get(), ".", O_RDONLY | O_DIRECTORY));
  if (!probe && errno == ENOSYS) {
    throw std::system_error(ENOSYS, std::generic_category(), name + ": openat2 needs Linux >= 5.6");
  }
  if (!probe) throw std::system_error(errno, std::generic_category(), name);
}

int ConfinedRoot::open_confined(std::string_view path, int flags) const {
  RelativePath relative;
  if (int error = to_relative(path, &relative)) return fail(error);
  return open_relative(relative.text, flags, true);
}

int ConfinedRoot::open_relative(const char* relative, int flags, bool explain_missing) const {
  int fd = open_beneath(root_.get(), relative, flags);
  if (fd >= 0 || errno != EXDEV) return fd;
  return open_through_symlinks(relative, flags, explain_missing);
}

// Step 2 (see the top of this file): only reached after the kernel said EXDEV.
int ConfinedRoot::open_through_symlinks(const char* relative, int flags, bool explain_missing) const {
  if (!clean_relative(relative)) return fail(EXDEV);
  UniqueFd reached(open_path_following(root_.get(), relative, flags));
  if (!reached) {
    int error = errno;
    if (error == ENOENT && explain_missing && missing_inside(relative)) return fail(ENOENT);
    return fail(refused(error));
  }
  std::optional<std::string> root_path = kernel_path(root_.get());
  std::optional<std::string> reached_path = kernel_path(reached.get());
  if (!root_path || !reached_path) return fail(EXDEV);
  std::optional<std::string> inside = path_beneath(*root_path, *reached_path);
  if (!inside) return fail(EXDEV);
  UniqueFd reopened(open_beneath(root_.get(), inside->c_str(), flags));
  if (!reopened) return -1;  // errno from openat2: EACCES, or EXDEV/ENOENT after a race
  if (!same_inode(reached.get(), reopened.get())) return fail(EXDEV);  // the tree changed meanwhile
  return reopened.release();
}

// Whether `relative` names nothing at all in a directory inside the root: its
// parent resolves inside (one level only, without this explanation again, so
// it cannot recurse) and holds no entry of that name, not even a symlink.
bool ConfinedRoot::missing_inside(std::string_view relative) const {
  size_t slash = relative.rfind('/');
  std::string parent = slash == std::string_view::npos ? "." : std::string(relative.substr(0, slash));
  std::string name(relative.substr(slash == std::string_view::npos ? 0 : slash + 1));
  if (name.empty()) return false;
  UniqueFd dir(open_relative(parent.c_str(), O_PATH | O_DIRECTORY, false));
  struct stat st;
  return dir && ::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT;
}

UniqueFd ConfinedRoot::open(std::string_view path, int flags, int* error) const {
  return take_fd(open_confined(path, flags & ~O_CREAT), error);
}

int ConfinedRoot::stat(std::string_view path, struct stat* st) const {
  UniqueFd fd(open_confined(path, O_PATH));
  if (!fd) return errno;
  return ::fstat(fd.get(), st) == 0 ? 0 : errno;
}

UniqueFd ConfinedRoot::open_directory(std::string_view path, int* error) const {
  return take_fd(open_confined(path, O_RDONLY | O_DIRECTORY), error);
}

DirectoryReader ConfinedRoot::read_directory(UniqueFd dir, std::string path) const {
  DIR* stream = dir ? ::fdopendir(dir.get()) : nullptr;
  if (stream) dir.release();  // closedir closes it now
  return DirectoryReader(*this, stream, std::move(path));
}

DirectoryReader ConfinedRoot::read_directory(std::string_view path, int* error) const {
  UniqueFd dir = open_directory(path, error);
  if (!dir) return DirectoryReader();
  DirectoryReader reader = read_directory(std::move(dir), std::string(path));
  if (!reader.valid()) *error = errno;
  return reader;
}

UniqueFd ConfinedRoot::open_parent(std::string_view path, std::string* name, int* error) const {
  std::string_view parent;
  if ((*error = split_parent(path, &parent, name)) != 0) return UniqueFd();
  return take_fd(open_confined(parent, O_PATH | O_DIRECTORY), error);
}

int ConfinedRoot::make_directory(std::string_view path) const {
  int error = 0;
  std::string name;
  UniqueFd dir = open_parent(path, &name, &error);
  if (!dir) return error;
  return ::mkdirat(dir.get(), name.c_str(), 0755) == 0 ? 0 : errno;
}

int ConfinedRoot::remove_directory(std::string_view path) const {
  int error = 0;
  std::string name;
  UniqueFd dir = open_parent(path, &name, &error);
  if (!dir) return error;
  return ::unlinkat(dir.get(), name.c_str(), AT_REMOVEDIR) == 0 ? 0 : errno;
}

int ConfinedRoot::remove_file(std::string_view path) const {
  int error = 0;
  std::string name;
  UniqueFd dir = open_parent(path, &name, &error);
  if (!dir) return error;
  return ::unlinkat(dir.get(), name.c_str(), 0) == 0 ? 0 : errno;
}

int ConfinedRoot::rename(std::string_view from, std::string_view to) const {
  int error = 0;
  std::string from_name, to_name;
  UniqueFd from_dir = open_parent(from, &from_name, &error);
  if (!from_dir) return error;
  UniqueFd to_dir = open_parent(to, &to_name, &error);
  if (!to_dir) return error;
  int result = ::renameat(from_dir.get(), from_name.c_str(), to_dir.get(), to_name.c_str());
  return result == 0 ? 0 : errno;
}

Upload ConfinedRoot::create_upload(std::string_view path, bool replace, int* error) const {
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

Upload ConfinedRoot::open_in_place(std::string_view path, bool append, uint64_t offset,
                                   int* error) const {
  UniqueFd file = take_fd(open_confined(path, O_WRONLY | O_NONBLOCK), error);
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

}  // namespace muxd
