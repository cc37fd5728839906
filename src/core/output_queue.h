#pragma once
// OutputQueue: what a stream connection still has to send, in order: bytes it
// owns, bytes someone else owns (a cached file body), and file ranges that go
// out by sendfile(2) without being copied through user space.
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/buffer.h"

namespace muxd {

class OutputQueue {
 public:
  enum class Flush { done, would_block, error, file_shrank };

  // Copies `bytes`. Consecutive appends join one segment.
  void append(std::string_view bytes);
  // The bytes buffer itself, to format into directly; call appended(n) after.
  Buffer& bytes() { return bytes_; }
  void appended(size_t n);
  // `data` stays valid while `owner` lives.
  void append_external(const char* data, size_t length, std::shared_ptr<const void> owner);
  // `fd` stays open while `owner` lives (owner may be null if the caller keeps it open).
  void append_file(int fd, off_t offset, uint64_t length, std::shared_ptr<const void> owner);

  // Writes as much as the socket takes: writev for memory, sendfile for files.
  // file_shrank: the file ended before its range did (truncated while sent).
  Flush flush(int socket_fd);

  // The connection closes once this queue drains: the last bytes go with
  // MSG_MORE so the kernel sends them together with the FIN that close()
  // adds, one segment instead of two (what TCP_CORK does for nginx).
  void set_closing(bool closing) { closing_ = closing; }

  // Everything queued, as the peer would receive it (file ranges read with
  // pread): for tests and for drivers that write by other means. Leaves the
  // queue as it is.
  std::string contents() const;

  bool empty() const { return head_ == segments_.size(); }
  uint64_t pending_bytes() const { return pending_; }
  void clear();
  void release_if_empty() { bytes_.release_if_empty(); }

 private:
  enum class Kind : uint8_t { owned, external, file };
  struct Segment {
    Kind kind;
    uint64_t length;
    const char* data = nullptr;  // external
    int fd = -1;                 // file
    off_t offset = 0;            // file
    std::shared_ptr<const void> owner;
  };

  Flush flush_file(int socket_fd, Segment& segment);
  Flush flush_memory(int socket_fd);
  void advance_memory(size_t written);
  void pop_front();

  Buffer bytes_;
  std::vector<Segment> segments_;
  size_t head_ = 0;
  uint64_t pending_ = 0;
  bool closing_ = false;
};

}  // namespace muxd
