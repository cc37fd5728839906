#include "chat/line_splitter.h"

namespace muxd::chat {

std::optional<std::string> LineSplitter::next_line() {
  const size_t newline = pending_.find('\n');
  if (newline == std::string::npos || newline > max_line_bytes_) {
    if (pending_.size() < max_line_bytes_) return std::nullopt;
    std::string piece = pending_.substr(0, max_line_bytes_);
    pending_.erase(0, max_line_bytes_);
    return piece;
  }
  std::string line = pending_.substr(0, newline);
  pending_.erase(0, newline + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> LineSplitter::rest() {
  if (pending_.empty()) return std::nullopt;
  std::string line = std::move(pending_);
  pending_.clear();
  if (line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace muxd::chat
