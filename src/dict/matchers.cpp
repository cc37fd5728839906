#include "dict/matchers.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "dict/keys.h"

namespace muxd::dict {
namespace {

std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  for (size_t pos = 0; pos < text.size();) {
    size_t start = pos;
    auto cp = next_code_point(text, pos);
    // An invalid byte stands for itself, outside the code point range.
    out.push_back(cp ? *cp : 0x110000 + static_cast<unsigned char>(text[start]));
  }
  return out;
}

// '0' for vowels and Y (they separate equal codes), 'h' for H and W (they do
// not), else the digit.
char soundex_code(char upper) {
  switch (upper) {
    case 'B': case 'F': case 'P': case 'V': return '1';
    case 'C': case 'G': case 'J': case 'K': case 'Q': case 'S': case 'X': case 'Z': return '2';
    case 'D': case 'T': return '3';
    case 'L': return '4';
    case 'M': case 'N': return '5';
    case 'R': return '6';
    case 'H': case 'W': return 'h';
    default: return '0';
  }
}

}  // namespace

bool within_one_edit(std::string_view a_text, std::string_view b_text) {
  auto a = code_points(a_text), b = code_points(b_text);
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or b has one more at the end
  if (a.size() == b.size())        // one substitution at i, then equal
    return std::equal(a.begin() + i + 1, a.end(), b.begin() + i + 1);
  return std::equal(a.begin() + i, a.end(), b.begin() + i + 1);  // one insertion into a at i
}

std::string soundex(std::string_view word) {
  std::string out;
  char previous = 0;
  for (char c : word) {
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) continue;
    char upper = static_cast<char>(c & ~0x20);
    char code = soundex_code(upper);
    if (out.empty()) {
      out += upper;
      previous = code;
      continue;
    }
    if (code == 'h') continue;  // H, W: the codes around them merge
    if (code != '0' && code != previous) out += code;
    previous = code;
    if (out.size() == 4) break;
  }
  if (!out.empty()) out.resize(4, '0');
  return out;
}

}  // namespace muxd::dict
