#pragma once
// Batched UDP IO: recvmmsg into a fixed set of buffers, sendmmsg for fan-out
// (one system call for up to 64 datagrams in, 128 out; recvmmsg(2), sendmmsg(2)).
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"

namespace muxd {

// One payload for one or many destinations: a fan-out shares its payload.
struct Outgoing {
  std::string payload;
  std::vector<SocketAddress> destinations;
};

// Up to kCapacity datagrams per recvmmsg(2), each into its own buffer.
class ReceiveBatch {
 public:
  static constexpr size_t kCapacity = 64;

  // A buffer one byte larger than `max_datagram_bytes`, so that a longer
  // datagram arrives visibly too long rather than silently cut to fit.
  explicit ReceiveBatch(size_t max_datagram_bytes);

  // Datagrams received (0 when none were waiting), or -1 with errno set.
  int receive(int fd);
  std::string_view payload(size_t i) const;
  SocketAddress sender(size_t i) const;

 private:
  size_t buffer_bytes_;
  std::vector<char> buffers_;
  std::array<mmsghdr, kCapacity> headers_{};
  std::array<iovec, kCapacity> iovecs_{};
  std::array<sockaddr_storage, kCapacity> senders_{};
};

// Sends each Outgoing to all its destinations with sendmmsg(2). What the
// socket cannot take now (EAGAIN) waits in a bounded queue until flush().
class DatagramSender {
 public:
  static constexpr size_t kBatch = 128;

  // At most `max_queued_sends` (datagram, destination) pairs wait; more are dropped.
  DatagramSender(int fd, size_t max_queued_sends);

  void send(std::vector<Outgoing>& datagrams);  // moves from `datagrams`
  void flush();                                 // when the socket is writable again
  bool blocked() const { return !queue_.empty(); }
  size_t take_dropped();  // datagrams lost to a full queue or a refusing destination

 private:
  size_t transmit(const Outgoing& datagram, size_t next);
  void enqueue(Outgoing&& datagram, size_t first_unsent);

  int fd_;
  size_t max_queued_;
  size_t queued_ = 0;           // sends waiting in queue_
  std::deque<Outgoing> queue_;  // the front one is partly sent, up to front_next_
  size_t front_next_ = 0;
  size_t dropped_ = 0;
  std::array<mmsghdr, kBatch> headers_{};
  std::array<iovec, kBatch> iovecs_{};
};

}  // namespace muxd
