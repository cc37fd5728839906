#pragma once
// UringRing: one io_uring (liburing) with its provided-buffer ring, for
// --model uring; and the decision whether this kernel can serve with it.
//
// Multishot receive picks a buffer from a ring of buffers the application
// provided (io_uring_register_buf_ring(3), Linux 5.19): the kernel chooses one
// only when data arrives, so an idle connection holds no read buffer, and the
// application hands each buffer back once it copied the bytes out.
#include <liburing.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace muxd::http {

// What the kernel answered while setting a ring up.
struct UringSupport {
  int setup_error = 0;           // errno of io_uring_queue_init; 0: the ring exists
  int buffer_ring_error = 0;     // errno of io_uring_register_buf_ring (Linux 5.19)
  bool recv_multishot = false;   // Linux 6.0 (see uring_ring.cpp)
};

// Why io_uring cannot serve, for the log line; empty when it can.
std::string uring_refusal(const UringSupport& support);

class UringRing {
 public:
  static constexpr uint16_t kBufferGroup = 0;
  static constexpr unsigned kBufferCount = 256;       // a power of two
  static constexpr unsigned kBufferSize = 16 * 1024;  // SessionDriver's read chunk

  // The ring, or null with `support` saying what failed.
  static std::unique_ptr<UringRing> open(unsigned entries, UringSupport& support);
  ~UringRing();
  UringRing(const UringRing&) = delete;
  UringRing& operator=(const UringRing&) = delete;

  io_uring* get() { return &ring_; }
  // Never null: when the submission queue is full, what is in it goes first.
  io_uring_sqe* next_sqe();

  // Provided buffer `id`'s first `length` bytes (a receive's CQE names both).
  std::string_view buffer(uint16_t id, size_t length) const;
  // Hands buffer `id` back; the kernel sees it after publish().
  void recycle(uint16_t id);
  void publish();

 private:
  UringRing() = default;
  int set_up_buffers();

  io_uring ring_{};
  bool ring_open_ = false;
  io_uring_buf_ring* buf_ring_ = nullptr;  // mmap'd: the kernel wants it page-aligned
  size_t buf_ring_bytes_ = 0;
  std::unique_ptr<char[]> storage_;
  int recycled_ = 0;  // added since the last publish()
};

}  // namespace muxd::http
