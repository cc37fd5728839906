// Session: the working directory and commands on single files and directories.
#include <cstring>

#include <fmt/format.h>

#include "ftp/reply.h"
#include "ftp/session.h"
#include "ftp/virtual_path.h"

namespace muxd::ftp {
namespace {

// ".." at the root stays at the root, as in a shell (POSIX: "/.." is "/"):
// resolves like resolve_virtual_path, but where that would climb above "/",
// walks the argument again one segment at a time and drops each ".." met at
// the root. The result is still a clean path beneath the root.
std::optional<std::string> resolve_clamped(const std::string& cwd, std::string_view argument,
                                           PathError* error) {
  auto path = resolve_virtual_path(cwd, argument, error);
  if (*error != PathError::outside) return path;
  // Here the argument has passed the checks for control characters and
  // length, and only ".." can lead outside.
  *error = PathError::none;
  std::string clamped = (!argument.empty() && argument[0] == '/') ? "/" : cwd;
  while (!argument.empty()) {
    size_t slash = argument.find('/');
    std::string_view segment = argument.substr(0, slash);
    if (segment != ".." || clamped != "/") {
      auto next = resolve_virtual_path(clamped, segment, error);
      if (!next) return std::nullopt;  // grew too long
      clamped = std::move(*next);
    }
    argument.remove_prefix(slash == std::string_view::npos ? argument.size() : slash + 1);
  }
  return clamped;
}

}  // namespace

std::optional<std::string> Session::resolve(std::string_view argument, AboveRoot above) {
  PathError error = PathError::none;
  auto path = above == AboveRoot::clamp ? resolve_clamped(cwd_, argument, &error)
                                        : resolve_virtual_path(cwd_, argument, &error);
  if (error == PathError::invalid) {
    reply(501, "Invalid path: control characters, or longer than 4095 bytes.");
    return std::nullopt;
  }
  if (error == PathError::outside || base_name(*path).starts_with(kUploadPrefix)) {
    reply(550, "No such file or directory.");  // nothing above the root; uploads in flight are private
    return std::nullopt;
  }
  // A clean path has no "." or ".." segments left, so "/." can only start a
  // hidden name, at any depth: "/.git", "/pub/.ssh/id_rsa". Refused whether
  // it exists or not, so the answer tells nothing.
  if (!config_.allow_dotfiles && path->find("/.") != std::string::npos) {
    reply(550, "Permission denied: names starting with '.' are hidden.");
    return std::nullopt;
  }
  return path;
}

std::optional<struct stat> Session::stat_or_reply(const std::string& path) {
  struct stat st;
  int error = root_.stat(path, &st);
  if (error != 0) {
    reply_errno(error);
    return std::nullopt;
  }
  return st;
}

void Session::reply_errno(int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:
    case EXDEV:  // a symlink leading out of the root: as if it did not exist
    case ELOOP: return reply(550, "No such file or directory.");
    case EACCES:
    case EPERM: return reply(550, "Permission denied.");
    case EEXIST: return reply(550, "File exists.");
    case ENOTEMPTY: return reply(550, "Directory not empty.");
    case EISDIR: return reply(550, "Is a directory.");
    case EBUSY: return reply(550, "Not allowed on the root directory.");
    case EINVAL: return reply(550, "Invalid operation.");
    case ENAMETOOLONG: return reply(553, "File name too long.");
    case ENOSPC:
    case EDQUOT: return reply(452, "Insufficient storage space.");
    default: return reply(451, fmt::format("Local error: {}.", std::strerror(error)));
  }
}

void Session::cmd_pwd(const std::string&) {
  reply(257, fmt::format("{} is the current directory.", quote_path(cwd_)));
}

// `CWD ..` at the root stays there (250), as vsftpd, pyftpdlib and a shell
// do; so does every ".." of `CWD ../..` that would climb above "/".
void Session::cmd_cwd(const std::string& argument) {
  auto path = resolve(argument, AboveRoot::clamp);
  if (!path) return;
  auto st = stat_or_reply(*path);
  if (!st) return;
  if (!S_ISDIR(st->st_mode)) return reply(550, "Not a directory.");
  cwd_ = *path;
  reply(250, "Directory successfully changed.");
}

void Session::cmd_cdup(const std::string&) { cmd_cwd(".."); }

void Session::cmd_mkd(const std::string& argument) {
  auto path = resolve(argument);
  if (!path) return;
  if (!may(Write::create_directory)) return refuse_write(Write::create_directory);
  int error = root_.make_directory(*path);
  if (error != 0) return reply_errno(error);
  reply(257, fmt::format("{} created.", quote_path(*path)));
}

void Session::cmd_rmd(const std::string& argument) {
  auto path = resolve(argument);
  if (!path) return;
  if (!may(Write::remove)) return refuse_write(Write::remove);
  int error = root_.remove_directory(*path);
  if (error != 0) return reply_errno(error);
  reply(250, "Directory removed.");
}

void Session::cmd_dele(const std::string& argument) {
  auto path = resolve(argument);
  if (!path) return;
  if (!may(Write::remove)) return refuse_write(Write::remove);
  int error = root_.remove_file(*path);
  if (error != 0) return reply_errno(error);
  reply(250, "File deleted.");
}

void Session::cmd_rnfr(const std::string& argument) {
  auto path = resolve(argument);
  if (!path) return;
  if (!may(Write::rename)) return refuse_write(Write::rename);
  if (*path == "/") return reply(550, "Not allowed on the root directory.");
  if (!stat_or_reply(*path)) return;
  rename_from_ = *path;
  reply(350, "Ready for RNTO.");
}

void Session::cmd_rnto(const std::string& argument) {
  if (!rename_from_) return reply(503, "RNFR required first.");
  std::string from = std::move(*rename_from_);
  rename_from_.reset();
  auto path = resolve(argument);
  if (!path) return;
  int error = root_.rename(from, *path);
  if (error != 0) return reply_errno(error);
  reply(250, "Rename successful.");
}

// RFC 3659 §4: the size of a regular file, in octets, whatever TYPE says.
void Session::cmd_size(const std::string& argument) {
  auto path = resolve(argument);
  if (!path) return;
  auto st = stat_or_reply(*path);
  if (!st) return;
  if (!S_ISREG(st->st_mode)) return reply(550, "Not a regular file.");
  reply(213, fmt::format("{}", st->st_size));
}

// RFC 3659 §3: the modification time in UTC.
void Session::cmd_mdtm(const std::string& argument) {
  auto path = resolve(argument);
  if (!path) return;
  auto st = stat_or_reply(*path);
  if (!st) return;
  if (!S_ISREG(st->st_mode)) return reply(550, "Not a regular file.");
  reply(213, format_timeval(st->st_mtime));
}

// RFC 3659 §7.2: the facts of one entry, on the control connection.
void Session::cmd_mlst(const std::string& argument) {
  auto path = resolve(argument);
  if (!path) return;
  auto st = stat_or_reply(*path);
  if (!st) return;
  reply(250, fmt::format("Listing {}\n {} {}\nEnd", *path, format_facts(*st, facts_, access()),
                         *path));
}

}  // namespace muxd::ftp
