#include "core/buffer.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace muxd {

void Buffer::consume(size_t n) {
  begin_ += std::min(n, size());
  if (begin_ == end_) begin_ = end_ = 0;
}

void Buffer::append(std::string_view bytes) {
  ensure_writable(bytes.size());
  if (!bytes.empty()) std::memcpy(write_ptr(), bytes.data(), bytes.size());
  commit(bytes.size());
}

void Buffer::ensure_writable(size_t n) {
  if (writable() >= n) return;
  size_t used = size();
  if (begin_ > 0 && capacity_ - used >= n) {  // slide down instead of growing
    std::memmove(data_.get(), data_.get() + begin_, used);
  } else {
    size_t capacity = std::max({capacity_ * 2, used + n, size_t{1024}});
    auto data = std::make_unique_for_overwrite<char[]>(capacity);
    if (used) std::memcpy(data.get(), data_.get() + begin_, used);
    data_ = std::move(data);
    capacity_ = capacity;
  }
  begin_ = 0;
  end_ = used;
}

ssize_t Buffer::read_from(int fd, size_t chunk) {
  ensure_writable(chunk);
  ssize_t n = ::read(fd, write_ptr(), writable());
  if (n > 0) commit(static_cast<size_t>(n));
  return n;
}

void Buffer::release_if_empty() {
  if (!empty()) return;
  data_.reset();
  capacity_ = begin_ = end_ = 0;
}

}  // namespace muxd
