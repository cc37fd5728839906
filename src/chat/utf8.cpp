#include "chat/utf8.h"

#include <fmt/format.h>

#include <initializer_list>

namespace muxd::chat {
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

// `text` is the start of a well-formed character whose last bytes are missing.
bool is_truncated_character(std::string_view text, const Utf8Char& decoded) {
  LeadByte lead;
  return classify_lead(static_cast<unsigned char>(text[0]), lead) && decoded.length == text.size() &&
         text.size() <= lead.continuation_bytes;
}

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

bool is_valid_utf8(std::string_view bytes) {
  while (!bytes.empty()) {
    const Utf8Char c = decode_utf8(bytes);
    if (!c.valid) return false;
    bytes.remove_prefix(c.length);
  }
  return true;
}

bool is_control_character(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;  // C0, DEL, C1
  if (cp == 0x2028 || cp == 0x2029) return true;             // line/paragraph separators
  // Bidi embeddings, overrides and isolates can make text display in an order
  // other than the one it was typed in ("Trojan Source", CVE-2021-42574).
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

std::string sanitize_text(std::string_view raw) {
  std::string clean;
  clean.reserve(raw.size());
  while (!raw.empty()) {
    const Utf8Char c = decode_utf8(raw);
    if (!c.valid) append_utf8(clean, kReplacementCharacter);
    else if (!is_control_character(c.code_point)) clean.append(raw.substr(0, c.length));
    raw.remove_prefix(c.length);
  }
  return clean;
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

namespace {

struct Range {
  char32_t first;
  char32_t last;
};

bool in_ranges(char32_t cp, std::initializer_list<Range> ranges) {
  for (const Range& range : ranges)
    if (cp >= range.first && cp <= range.last) return true;
  return false;
}

// Unicode's East Asian Width "W" and "F" blocks, abridged to whole blocks.
bool is_wide(char32_t cp) {
  return in_ranges(cp, {{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
                        {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
                        {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
                        {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}});
}

bool is_zero_width(char32_t cp) {
  return in_ranges(cp, {{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
                        {0x20D0, 0x20FF}, {0x2060, 0x2064}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
                        {0xFEFF, 0xFEFF}});
}

}  // namespace

size_t display_width(std::string_view text) {
  size_t columns = 0;
  while (!text.empty()) {
    const Utf8Char c = decode_utf8(text);
    if (!c.valid && is_truncated_character(text, c)) break;  // still being typed
    if (!c.valid) columns += 1;  // shown as one replacement character
    else if (is_wide(c.code_point)) columns += 2;
    else if (!is_zero_width(c.code_point) && !is_control_character(c.code_point)) columns += 1;
    text.remove_prefix(c.length);
  }
  return columns;
}

std::string printable(std::string_view untrusted, size_t max_bytes) {
  std::string_view shown = untrusted.substr(0, max_bytes);
  std::string out;
  while (!shown.empty()) {
    const Utf8Char c = decode_utf8(shown);
    if (c.valid && !is_control_character(c.code_point) && c.code_point != '\\') {
      out.append(shown.substr(0, c.length));
    } else {
      for (size_t i = 0; i < c.length; ++i)
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(shown[i]));
    }
    shown.remove_prefix(c.length);
  }
  if (untrusted.size() > max_bytes) out += "...";
  return out;
}

}  // namespace muxd::chat
