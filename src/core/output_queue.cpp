#include "core/output_queue.h"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>

namespace muxd {
namespace {

constexpr size_t max_iovecs = 16;
constexpr uint64_t max_sendfile_chunk = 1 << 30;

}  // namespace

void OutputQueue::append(std::string_view bytes) {
  bytes_.append(bytes);
  appended(bytes.size());
}

void OutputQueue::appended(size_t n) {
  if (n == 0) return;
  pending_ += n;
  if (!empty() && segments_.back().kind == Kind::owned) {
    segments_.back().length += n;
    return;
  }
  segments_.push_back({Kind::owned, n, nullptr, -1, 0, nullptr, nullptr});
}

void OutputQueue::append_external(const char* data, size_t length, std::shared_ptr<const void> owner) {
  if (length == 0) return;
  pending_ += length;
  segments_.push_back({Kind::external, length, data, -1, 0, std::move(owner), nullptr});
}

void OutputQueue::append_file(int fd, off_t offset, uint64_t length, std::shared_ptr<const void> owner) {
  if (length == 0) return;
  pending_ += length;
  segments_.push_back({Kind::file, length, nullptr, fd, offset, std::move(owner), nullptr});
}

void OutputQueue::append_generated(uint64_t length, std::unique_ptr<OutputProducer> producer) {
  if (length == 0) return;
  pending_ += length;
  auto generated = std::make_unique<Generated>(Generated{std::move(producer), {}, 0});
  segments_.push_back({Kind::generated, length, nullptr, -1, 0, nullptr, std::move(generated)});
}

// The rest of a generated segment: its unsent batch, then what a clone of
// its producer makes (cut at the declared length, short if the producer is).
void OutputQueue::append_generated_contents(std::string& all, const Segment& segment) {
  const Generated& generated = *segment.generated;
  size_t start = all.size();
  all.append(generated.batch, generated.sent);
  std::unique_ptr<OutputProducer> rest = generated.producer->clone();
  std::string batch;
  while (all.size() - start < segment.length) {
    batch.clear();
    rest->produce(batch, kProducerBatch);
    if (batch.empty()) break;
    all.append(batch);
  }
  all.resize(std::min<size_t>(all.size(), start + segment.length));
}

std::string OutputQueue::contents() const {
  std::string all;
  size_t owned_offset = 0;
  for (size_t i = head_; i < segments_.size(); ++i) {
    const Segment& segment = segments_[i];
    if (segment.kind == Kind::owned) {
      all.append(bytes_.readable().substr(owned_offset, segment.length));
      owned_offset += segment.length;
    } else if (segment.kind == Kind::external) {
      all.append(segment.data, segment.length);
    } else if (segment.kind == Kind::generated) {
      append_generated_contents(all, segment);
    } else {
      size_t start = all.size();
      all.resize(start + segment.length);
      ssize_t n = ::pread(segment.fd, all.data() + start, segment.length, segment.offset);
      all.resize(start + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    }
  }
  return all;
}

void OutputQueue::clear() {
  closing_ = false;
  segments_.clear();
  head_ = 0;
  pending_ = 0;
  bytes_.clear();
}

void OutputQueue::pop_front() {
  segments_[head_].owner.reset();
  segments_[head_].generated.reset();
  if (++head_ == segments_.size()) {
    segments_.clear();  // keeps capacity: no allocation per response
    head_ = 0;
  }
}

OutputQueue::Flush OutputQueue::flush(int socket_fd) {
  while (!empty()) {
    Segment& front = segments_[head_];
    Flush result = front.kind == Kind::file ? flush_file(socket_fd, front) : flush_memory(socket_fd);
    if (result != Flush::done) return result;
  }
  return Flush::done;
}

OutputQueue::Flush OutputQueue::flush_file(int socket_fd, Segment& segment) {
  size_t chunk = static_cast<size_t>(std::min(segment.length, max_sendfile_chunk));
  ssize_t n = ::sendfile(socket_fd, segment.fd, &segment.offset, chunk);
  if (n > 0) {
    segment.length -= static_cast<uint64_t>(n);
    pending_ -= static_cast<uint64_t>(n);
    if (segment.length == 0) pop_front();
    return static_cast<size_t>(n) < chunk ? Flush::would_block : Flush::done;
  }
  if (n == 0) return Flush::file_shrank;
  if (errno == EAGAIN || errno == EINTR) return errno == EAGAIN ? Flush::would_block : Flush::done;
  return Flush::error;
}

// Makes a generated segment's next batch once the last one is all sent;
// false when the producer has nothing more although bytes are still due.
bool OutputQueue::stage(Segment& segment) {
  Generated& generated = *segment.generated;
  if (generated.sent < generated.batch.size()) return true;
  generated.batch.clear();  // keeps its capacity: one batch per connection
  generated.sent = 0;
  generated.producer->produce(generated.batch, kProducerBatch);
  assert(generated.batch.size() <= segment.length && "a producer made more than its declared length");
  if (generated.batch.size() > segment.length) generated.batch.resize(segment.length);
  return !generated.batch.empty();
}

// Gathers the memory segments up to the next file into one writev; a
// generated segment gives its current batch and ends the gathering unless
// that batch is its last. When more follows, MSG_MORE keeps the headers in
// the same packet as the body's start.
OutputQueue::Flush OutputQueue::flush_memory(int socket_fd) {
  iovec iov[max_iovecs];
  size_t count = 0;
  size_t owned_offset = 0;
  size_t total = 0;
  bool more = false;  // a generated segment has bytes beyond this writev
  size_t i = head_;
  for (; i < segments_.size() && count < max_iovecs && segments_[i].kind != Kind::file; ++i) {
    Segment& segment = segments_[i];
    const char* data = segment.data;
    size_t length = static_cast<size_t>(segment.length);
    if (segment.kind == Kind::owned) {
      data = bytes_.readable().data() + owned_offset;
      owned_offset += segment.length;
    } else if (segment.kind == Kind::generated) {
      if (!stage(segment)) {
        if (i == head_) return Flush::file_shrank;
        break;  // send what precedes it; the next flush reports it at the head
      }
      const Generated& generated = *segment.generated;
      data = generated.batch.data() + generated.sent;
      length = generated.batch.size() - generated.sent;
      more = length < segment.length;
    }
    iov[count++] = {const_cast<char*>(data), length};
    total += length;
    if (more) {
      ++i;
      break;
    }
  }
  msghdr message{};
  message.msg_iov = iov;
  message.msg_iovlen = count;
  int flags = MSG_NOSIGNAL | (more || i < segments_.size() || closing_ ? MSG_MORE : 0);
  ssize_t n = ::sendmsg(socket_fd, &message, flags);
  if (n >= 0) {
    advance_memory(static_cast<size_t>(n));
    return static_cast<size_t>(n) < total ? Flush::would_block : Flush::done;  // socket buffer full
  }
  if (errno == EAGAIN) return Flush::would_block;
  return errno == EINTR ? Flush::done : Flush::error;
}

void OutputQueue::advance_memory(size_t written) {
  pending_ -= written;
  while (written > 0) {
    Segment& segment = segments_[head_];
    size_t step = static_cast<size_t>(std::min<uint64_t>(written, segment.length));
    if (segment.kind == Kind::owned) bytes_.consume(step);
    if (segment.kind == Kind::external) segment.data += step;
    if (segment.kind == Kind::generated) segment.generated->sent += step;
    segment.length -= step;
    written -= step;
    if (segment.length == 0) pop_front();
  }
}

}  // namespace muxd
