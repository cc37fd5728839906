#include "core/datagram_io.h"

#include <algorithm>
#include <cerrno>

namespace muxd {

ReceiveBatch::ReceiveBatch(size_t max_datagram_bytes)
    : buffer_bytes_(max_datagram_bytes + 1), buffers_(buffer_bytes_ * kCapacity) {
  for (size_t i = 0; i < kCapacity; ++i) iovecs_[i] = {buffers_.data() + i * buffer_bytes_, buffer_bytes_};
}

int ReceiveBatch::receive(int fd) {
  for (size_t i = 0; i < kCapacity; ++i) {
    msghdr& header = headers_[i].msg_hdr;
    header = msghdr{};
    header.msg_name = &senders_[i];
    header.msg_namelen = sizeof(senders_[i]);
    header.msg_iov = &iovecs_[i];
    header.msg_iovlen = 1;
  }
  const int count = ::recvmmsg(fd, headers_.data(), kCapacity, MSG_DONTWAIT, nullptr);
  if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
  return count;
}

std::string_view ReceiveBatch::payload(size_t i) const {
  return {buffers_.data() + i * buffer_bytes_, headers_[i].msg_len};
}

SocketAddress ReceiveBatch::sender(size_t i) const {
  return SocketAddress::from(reinterpret_cast<const sockaddr*>(&senders_[i]), headers_[i].msg_hdr.msg_namelen);
}

DatagramSender::DatagramSender(int fd, size_t max_queued_sends) : fd_(fd), max_queued_(max_queued_sends) {}

void DatagramSender::send(std::vector<Outgoing>& datagrams) {
  for (Outgoing& datagram : datagrams) {
    if (blocked()) {  // keep the order: nothing overtakes what waits
      enqueue(std::move(datagram), 0);
      continue;
    }
    const size_t next = transmit(datagram, 0);
    if (next < datagram.destinations.size()) enqueue(std::move(datagram), next);
  }
  datagrams.clear();
}

void DatagramSender::flush() {
  while (!queue_.empty()) {
    Outgoing& front = queue_.front();
    const size_t before = front_next_;
    front_next_ = transmit(front, front_next_);
    queued_ -= front_next_ - before;
    if (front_next_ < front.destinations.size()) return;
    queue_.pop_front();
    front_next_ = 0;
  }
}

size_t DatagramSender::take_dropped() {
  const size_t count = dropped_;
  dropped_ = 0;
  return count;
}

// How many reported ICMP errors one transmit() takes as stale before it drops a destination.
constexpr int kMaxStaleErrors = 8;

// Sends `datagram` to destinations [next, end); returns where EAGAIN stopped it.
size_t DatagramSender::transmit(const Outgoing& datagram, size_t next) {
  const size_t end = datagram.destinations.size();
  int stale_errors = 0;
  while (next < end) {
    const size_t count = std::min(kBatch, end - next);
    for (size_t i = 0; i < count; ++i) {
      const SocketAddress& to = datagram.destinations[next + i];
      iovecs_[i] = {const_cast<char*>(datagram.payload.data()), datagram.payload.size()};
      headers_[i].msg_hdr = msghdr{};
      headers_[i].msg_hdr.msg_name = const_cast<sockaddr*>(to.get());
      headers_[i].msg_hdr.msg_namelen = to.length();
      headers_[i].msg_hdr.msg_iov = &iovecs_[i];
      headers_[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = ::sendmmsg(fd_, headers_.data(), static_cast<unsigned>(count), MSG_DONTWAIT);
    if (sent > 0) {
      next += static_cast<size_t>(sent);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return next;
    } else if (errno == ECONNREFUSED && ++stale_errors <= kMaxStaleErrors) {
      // An ICMP "port unreachable" for an *earlier* datagram (to a peer that
      // has gone: on loopback it arrives at once), reported by this call and
      // cleared by it (udp(7): with IP_RECVERR, errors of an unconnected
      // socket are passed to the next send). Nothing of this batch went out:
      // send it again rather than drop a datagram for someone else.
    } else if (errno != EINTR) {
      // This one destination refuses (an address of the other family,
      // ENOBUFS, repeated ICMP errors...): skip it rather than stall everyone else.
      ++dropped_;
      ++next;
    }
  }
  return next;
}

void DatagramSender::enqueue(Outgoing&& datagram, size_t first_unsent) {
  const size_t waiting = datagram.destinations.size() - first_unsent;
  if (queued_ + waiting > max_queued_) {
    dropped_ += waiting;
    return;
  }
  if (queue_.empty()) front_next_ = first_unsent;
  queued_ += waiting;
  queue_.push_back(std::move(datagram));
}

}  // namespace muxd
