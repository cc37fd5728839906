#include "core/utf8.h"

namespace muxd {
namespace {

// What a lead byte promises: how many continuation bytes follow, the payload
// bits it carries, and the allowed range of the *first* continuation byte
// (narrower after E0, ED, F0, F4: that is what rules out overlong forms,
// surrogates and values above U+10FFFF; Unicode Table 3-7).
struct LeadByte {
  size_t continuation_bytes;
  char32_t bits;
  unsigned char first_low;
  unsigned char first_high;
};

bool classify_lead(unsigned char byte, LeadByte& lead) {
  if (byte >= 0xC2 && byte <= 0xDF) lead = {1, byte & 0x1Fu, 0x80, 0xBF};
  else if (byte == 0xE0) lead = {2, 0x0, 0xA0, 0xBF};
  else if (byte == 0xED) lead = {2, 0xD, 0x80, 0x9F};
  else if (byte >= 0xE1 && byte <= 0xEF) lead = {2, byte & 0x0Fu, 0x80, 0xBF};
  else if (byte == 0xF0) lead = {3, 0x0, 0x90, 0xBF};
  else if (byte >= 0xF1 && byte <= 0xF3) lead = {3, byte & 0x07u, 0x80, 0xBF};
  else if (byte == 0xF4) lead = {3, 0x4, 0x80, 0x8F};
  else return false;  // 80..C1 and F5..FF never start a character
  return true;
}

Utf8Char invalid(size_t length) { return {kReplacementCharacter, length, false}; }

}  // namespace

Utf8Char decode_utf8(std::string_view bytes) {
  const auto first = static_cast<unsigned char>(bytes[0]);
  if (first < 0x80) return {first, 1, true};
  LeadByte lead;
  if (!classify_lead(first, lead)) return invalid(1);
  char32_t code_point = lead.bits;
  unsigned char low = lead.first_low;
  unsigned char high = lead.first_high;
  for (size_t i = 1; i <= lead.continuation_bytes; ++i) {
    if (i >= bytes.size()) return invalid(i);
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (byte < low || byte > high) return invalid(i);
    code_point = (code_point << 6) | (byte & 0x3Fu);
    low = 0x80;
    high = 0xBF;
  }
  return {code_point, lead.continuation_bytes + 1, true};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_incomplete_utf8(std::string_view text) {
  if (text.empty()) return false;
  LeadByte lead;
  if (!classify_lead(static_cast<unsigned char>(text[0]), lead) || text.size() > lead.continuation_bytes) return false;
  const Utf8Char decoded = decode_utf8(text);
  return !decoded.valid && decoded.length == text.size();  // every byte fits; only the end is missing
}

bool is_valid_utf8(std::string_view bytes) {
  while (!bytes.empty()) {
    const Utf8Char c = decode_utf8(bytes);
    if (!c.valid) return false;
    bytes.remove_prefix(c.length);
  }
  return true;
}

std::string_view cut_utf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // Continuation bytes are 10xxxxxx: back up to the start of the cut character.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

size_t previous_character_start(std::string_view text, size_t position) {
  if (position == 0) return 0;
  size_t start = position - 1;
  // A character has at most 3 continuation bytes; never back up further.
  for (int steps = 0; steps < 3 && start > 0; ++steps) {
    if ((static_cast<unsigned char>(text[start]) & 0xC0) != 0x80) break;
    --start;
  }
  return start;
}

}  // namespace muxd
