#pragma once
// Helpers for tests that need a real directory tree and to read what an
// OutputQueue would send.
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/output_queue.h"

namespace muxd::http::testing {

class TempTree {
 public:
  TempTree() {
    char pattern[] = "/tmp/muxd-http-test-XXXXXX";
    path_ = ::mkdtemp(pattern);
  }
  ~TempTree() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

  void write(const std::string& relative, const std::string& content) const {
    std::filesystem::path file = std::filesystem::path(path_) / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
  }

 private:
  std::string path_;
};

// Everything the queue holds, as the peer of a socket would receive it.
inline std::string drain(OutputQueue& queue) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) != 0) return "socketpair failed";
  std::string received;
  char chunk[65536];
  while (!queue.empty()) {
    if (queue.flush(fds[0]) == OutputQueue::Flush::file_shrank) break;
    ssize_t n;
    while ((n = ::read(fds[1], chunk, sizeof(chunk))) > 0) received.append(chunk, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  ::close(fds[1]);
  return received;
}

}  // namespace muxd::http::testing
