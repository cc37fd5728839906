#pragma once
// OutputQueue: what a stream connection still has to send, in order: bytes it
// owns, bytes someone else owns (a cached file body), file ranges that go
// out by sendfile(2) without being copied through user space, and bodies of
// known length generated batch by batch as the socket drains (OutputProducer).
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/buffer.h"

namespace muxd {

// A body made on demand (a directory listing): the queue asks for the next
// batch only once the previous one is written, so a connection holds one
// batch of it, not the whole body.
class OutputProducer {
 public:
  virtual ~OutputProducer() = default;
  // Appends the next part of the body to `into` (empty on entry): about
  // `batch` bytes (a producer may finish its current item past it); nothing
  // once the body is complete.
  virtual void produce(std::string& into, size_t batch) = 0;
  // A producer that goes on from where this one is, leaving this one as it
  // is: OutputQueue::contents() renders the rest from it.
  virtual std::unique_ptr<OutputProducer> clone() const = 0;
};

class OutputQueue {
 public:
  enum class Flush { done, would_block, error, file_shrank };
  static constexpr size_t kProducerBatch = 64 * 1024;

  // Copies `bytes`. Consecutive appends join one segment.
  void append(std::string_view bytes);
  // The bytes buffer itself, to format into directly; call appended(n) after.
  Buffer& bytes() { return bytes_; }
  void appended(size_t n);
  // `data` stays valid while `owner` lives.
  void append_external(const char* data, size_t length, std::shared_ptr<const void> owner);
  // `fd` stays open while `owner` lives (owner may be null if the caller keeps it open).
  void append_file(int fd, off_t offset, uint64_t length, std::shared_ptr<const void> owner);
  // `length` bytes that `producer` makes when they are about to be sent, in
  // kProducerBatch batches. It must make exactly `length` bytes: more is a bug
  // (asserted, and cut off), fewer ends the flush with file_shrank.
  void append_generated(uint64_t length, std::unique_ptr<OutputProducer> producer);

  // Writes as much as the socket takes: writev for memory (generated batches
  // included), sendfile for files. file_shrank: the file ended before its
  // range did (truncated while sent), or a producer before its length did.
  Flush flush(int socket_fd);

  // The connection closes once this queue drains: the last bytes go with
  // MSG_MORE so the kernel sends them together with the FIN that close()
  // adds, one segment instead of two (what TCP_CORK does for nginx).
  void set_closing(bool closing) { closing_ = closing; }

  // Everything queued, as the peer would receive it (file ranges read with
  // pread, generated bodies made by a clone of their producer, so the whole
  // body is in memory at once here): for tests and for drivers that write by
  // other means. Leaves the queue as it is.
  std::string contents() const;

  bool empty() const { return head_ == segments_.size(); }
  uint64_t pending_bytes() const { return pending_; }
  void clear();
  void release_if_empty() { bytes_.release_if_empty(); }

 private:
  enum class Kind : uint8_t { owned, external, file, generated };
  // A generated segment's state: the batch being sent, and its producer.
  struct Generated {
    std::unique_ptr<OutputProducer> producer;
    std::string batch;
    size_t sent = 0;  // of batch
  };
  struct Segment {
    Kind kind;
    uint64_t length;             // still to send
    const char* data = nullptr;  // external
    int fd = -1;                 // file
    off_t offset = 0;            // file
    std::shared_ptr<const void> owner;
    std::unique_ptr<Generated> generated;
  };

  Flush flush_file(int socket_fd, Segment& segment);
  Flush flush_memory(int socket_fd);
  static bool stage(Segment& segment);
  static void append_generated_contents(std::string& all, const Segment& segment);
  void advance_memory(size_t written);
  void pop_front();

  Buffer bytes_;
  std::vector<Segment> segments_;
  size_t head_ = 0;
  uint64_t pending_ = 0;
  bool closing_ = false;
};

}  // namespace muxd
