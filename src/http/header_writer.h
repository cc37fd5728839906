#pragma once
// Appends response header text to a Buffer with plain memcpy: the hot path
// formats a few short fields and one number, which fmt would only slow down.
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "core/buffer.h"

namespace muxd::http {

class HeaderWriter {
 public:
  // `reserve` must cover everything written before done().
  HeaderWriter(Buffer& buffer, size_t reserve) : buffer_(buffer) {
    buffer_.ensure_writable(reserve);
    start_ = cursor_ = buffer_.write_ptr();
    end_ = start_ + buffer_.writable();
  }

  // Text beyond the reserve is cut off (the caller reserved too little).
  HeaderWriter& text(std::string_view s) {
    if (s.size() > static_cast<size_t>(end_ - cursor_)) s = s.substr(0, static_cast<size_t>(end_ - cursor_));
    // memcpy's pointers must not be null even for 0 bytes (C11 7.24.1p2): an
    // empty string_view{} has a null data(), and so has a Buffer that was
    // never allocated when the reserve is 0.
    if (s.empty()) return *this;
    std::memcpy(cursor_, s.data(), s.size());
    cursor_ += s.size();
    return *this;
  }
  HeaderWriter& number(uint64_t value) {
    cursor_ = std::to_chars(cursor_, end_, value).ptr;
    return *this;
  }
  HeaderWriter& field(std::string_view name, std::string_view value) {
    return text(name).text(": ").text(value).text("\r\n");
  }

  // Commits what was written; returns its length.
  size_t done() {
    size_t length = static_cast<size_t>(cursor_ - start_);
    buffer_.commit(length);
    return length;
  }

 private:
  Buffer& buffer_;
  char* start_;
  char* cursor_;
  char* end_;
};

}  // namespace muxd::http
