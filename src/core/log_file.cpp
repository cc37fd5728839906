#include "core/log_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace muxd {
namespace {

int open_target(const std::string& target) {
  if (target == "-") return ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
  return ::open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

}  // namespace

LogFile::LogFile(std::string target) : target_(std::move(target)) {
  if (target_ == "off") return;
  fd_.reset(open_target(target_));
  if (!fd_) throw std::system_error(errno, std::generic_category(), "cannot open log " + target_);
}

int LogFile::reopen() {
  if (!fd_ || target_ == "-") return 0;
  UniqueFd fresh(open_target(target_));
  if (!fresh) return errno;
  if (::dup3(fresh.get(), fd_.get(), O_CLOEXEC) < 0) return errno;
  return 0;
}

}  // namespace muxd
