#pragma once
// UTF-8 (RFC 3629): decoding that never trusts its input, encoding, validating,
// cutting at character boundaries. The one decoder every service uses (chat's
// text rules, dict's keys); what text may contain is each service's business.
#include <cstddef>
#include <string>
#include <string_view>

namespace muxd {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

struct Utf8Char {
  char32_t code_point;  // kReplacementCharacter when !valid
  size_t length;        // bytes consumed: >= 1, the maximal ill-formed subpart when !valid
  bool valid;
};

// Decodes the character that starts `bytes` (non-empty). Overlong forms,
// surrogates and code points above U+10FFFF are invalid (RFC 3629 §3/§4).
Utf8Char decode_utf8(std::string_view bytes);
void append_utf8(std::string& out, char32_t code_point);
bool is_valid_utf8(std::string_view bytes);

// `text` (all of it) is the start of a well-formed character whose last bytes
// are missing: a character still being typed, or cut by a read.
bool is_incomplete_utf8(std::string_view text);

// The longest prefix of valid UTF-8 `text` that fits `max_bytes` and ends on a
// character boundary.
std::string_view cut_utf8(std::string_view text, size_t max_bytes);

// Where the character that ends just before `position` starts (for backspace).
size_t previous_character_start(std::string_view text, size_t position);

}  // namespace muxd
