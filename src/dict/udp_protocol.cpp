#include "dict/udp_protocol.h"

#include "core/utf8.h"
#include "dict/command_parser.h"

namespace muxd::dict {

std::optional<std::string_view> udp_word(std::string_view datagram) {
  if (!datagram.empty() && datagram.back() == '\n') datagram.remove_suffix(1);
  if (!datagram.empty() && datagram.back() == '\r') datagram.remove_suffix(1);
  if (datagram.empty() || datagram.size() > kMaxWordBytes || !is_valid_utf8(datagram)) return std::nullopt;
  for (unsigned char c : datagram)
    if (c < 0x20 || c == 0x7f) return std::nullopt;
  return datagram;
}

std::string udp_answer(std::string_view meaning, size_t max_bytes) {
  if (meaning.empty()) return std::string(kNotFound);
  return std::string(cut_utf8(meaning, max_bytes));  // imported meanings are valid UTF-8
}

}  // namespace muxd::dict
