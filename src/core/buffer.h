#pragma once
// Buffer: a byte queue with a readable region [begin_, end_) and spare room
// after it. Storage is allocated on first use and can be released when empty,
// so ten thousand idle connections cost no buffer memory.
#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string_view>

namespace muxd {

class Buffer {
 public:
  Buffer() = default;
  Buffer(Buffer&&) noexcept = default;
  Buffer& operator=(Buffer&&) noexcept = default;

  std::string_view readable() const { return {data_.get() + begin_, end_ - begin_}; }
  size_t size() const { return end_ - begin_; }
  bool empty() const { return begin_ == end_; }

  void consume(size_t n);
  void clear() { begin_ = end_ = 0; }
  void append(std::string_view bytes);

  // Room for at least n more bytes after the readable region.
  void ensure_writable(size_t n);
  char* write_ptr() { return data_.get() + end_; }
  size_t writable() const { return capacity_ - end_; }
  void commit(size_t n) { end_ += n; }

  // One read(2) into the spare room (grown to at least `chunk`); returns what
  // read returned.
  ssize_t read_from(int fd, size_t chunk = 16 * 1024);
  // Frees the storage when nothing is buffered.
  void release_if_empty();
  size_t capacity() const { return capacity_; }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace muxd
