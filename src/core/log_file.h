#pragma once
// LogFile: a log destination named on the command line ("-" for stdout,
// "off" for none, else a file opened for appending) that can be reopened in
// place, for log rotation (logrotate's `postrotate kill -HUP`).
//
// Reopening opens the path afresh and dup2()s the new file onto the same
// descriptor number, so every worker thread that writes to fd() goes on
// writing, without a lock, and from that write on the bytes land in the new
// file. A write racing the dup2 lands whole in one file or the other: never
// lost, never split, never written twice.
#include <string>

#include "core/unique_fd.h"

namespace muxd {

class LogFile {
 public:
  // Throws std::system_error naming the path when it cannot be opened.
  explicit LogFile(std::string target);

  int fd() const { return fd_.get(); }  // -1 when off
  bool enabled() const { return fd_.valid(); }
  const std::string& target() const { return target_; }
  // Returns 0, or the errno of the failed open (the old file stays in use).
  int reopen();

 private:
  std::string target_;
  UniqueFd fd_;
};

}  // namespace muxd
