#include "chat/text.h"

#include <fmt/format.h>

#include <initializer_list>

#include "core/utf8.h"

namespace muxd::chat {

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
    if (!c.valid && is_incomplete_utf8(text)) break;  // still being typed
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
