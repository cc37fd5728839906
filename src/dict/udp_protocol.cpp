#include "dict/udp_protocol.h"

#include "dict/command_parser.h"
#include "dict/keys.h"

namespace muxd::dict {

std::optional<std::string_view> udp_word(std::string_view datagram) {
  if (!datagram.empty() && datagram.back() == '\n') datagram.remove_suffix(1);
  if (!datagram.empty() && datagram.back() == '\r') datagram.remove_suffix(1);
  if (datagram.empty() || datagram.size() > kMaxWordBytes || !valid_utf8(datagram)) return std::nullopt;
  for (unsigned char c : datagram)
    if (c < 0x20 || c == 0x7f) return std::nullopt;
  return datagram;
}

std::string_view cut_at_character(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // Back off over continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

std::string udp_answer(std::string_view meaning, size_t max_bytes) {
  if (meaning.empty()) return std::string(kNotFound);
  return std::string(cut_at_character(meaning, max_bytes));
}

}  // namespace muxd::dict
