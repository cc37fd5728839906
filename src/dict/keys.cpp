#include "dict/keys.h"

#include <vector>

namespace muxd::dict {
namespace {

// Unicode's simple lower-case mapping for the ranges fold_case() covers
// (UnicodeData.txt, field 13), written as rules rather than a table.
char32_t lower(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 0x20 : c;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 0x20;  // À..Þ but ×
  if (c >= 0x100 && c <= 0x17F) {  // Latin Extended-A: pairs
    if (c == 0x130) return 'i';    // İ
    if (c == 0x178) return 0xFF;   // Ÿ
    bool even_upper = (c <= 0x137) || (c >= 0x14A && c <= 0x177);
    bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (even_upper && c % 2 == 0) return c + 1;
    if (odd_upper && c % 2 == 1) return c + 1;
    return c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;  // Greek capitals
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;                // Cyrillic А..Я
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;                // Ѐ..Џ
  return c;
}

}  // namespace

std::optional<char32_t> next_code_point(std::string_view text, size_t& pos) {
  const Utf8Char c = decode_utf8(text.substr(pos));
  if (!c.valid) return ++pos, std::nullopt;
  pos += c.length;
  return c.code_point;
}

std::string fold_case(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (size_t pos = 0; pos < word.size();) {
    size_t start = pos;
    auto cp = next_code_point(word, pos);
    if (cp) append_utf8(out, lower(*cp));
    else out += word[start];
  }
  return out;
}

std::string reverse_code_points(std::string_view key) {
  std::vector<std::string_view> pieces;
  for (size_t pos = 0; pos < key.size();) {
    size_t start = pos;
    next_code_point(key, pos);
    pieces.push_back(key.substr(start, pos - start));
  }
  std::string out;
  out.reserve(key.size());
  for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) out += *it;
  return out;
}

std::string prefix_successor(std::string_view prefix) {
  std::vector<char32_t> cps;
  for (size_t pos = 0; pos < prefix.size();) {
    auto cp = next_code_point(prefix, pos);
    cps.push_back(cp ? *cp : 0xFFFD);  // invalid input: any valid bound will do
  }
  while (!cps.empty() && cps.back() == 0x10FFFF) cps.pop_back();
  if (cps.empty()) return {};
  cps.back() = cps.back() == 0xD7FF ? 0xE000 : cps.back() + 1;
  std::string out;
  for (char32_t cp : cps) append_utf8(out, cp);
  return out;
}

}  // namespace muxd::dict
