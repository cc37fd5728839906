#include "http/json_escape.h"

#include "core/utf8.h"

namespace muxd::http {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_control(std::string& out, unsigned char c) {
  switch (c) {
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default:
      out += "\\u00";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
  }
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) {
        append_control(out, c);
      } else {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    Utf8Char ch = decode_utf8(text.substr(i));
    if (ch.valid) {
      out.append(text.substr(i, ch.length));
    } else {
      for (size_t k = 0; k < ch.length; ++k) {
        auto b = static_cast<unsigned char>(text[i + k]);
        out += "\\\\x";
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
      }
    }
    i += ch.length;
  }
}

}  // namespace muxd::http
