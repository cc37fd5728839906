#pragma once
// Splits a byte stream into lines ("\n", an optional "\r" before it is
// dropped). A line longer than the limit is handed out in pieces of at most
// `max_line_bytes`, so a stream without newlines cannot grow memory forever.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace muxd::chat {

class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  void append(std::string_view bytes) { pending_.append(bytes); }
  // The next complete line, if any.
  std::optional<std::string> next_line();
  // At end of input: whatever is left, if anything.
  std::optional<std::string> rest();

 private:
  size_t max_line_bytes_;
  std::string pending_;
};

}  // namespace muxd::chat
