#pragma once
// UTF-8 handling for chat text (RFC 3629): decoding that never trusts its input,
// sanitising before fan-out, cutting at character boundaries.
#include <cstddef>
#include <string>
#include <string_view>

namespace muxd::chat {

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

// Characters that would let a line rewrite the reader's terminal or the look of
// the line: C0 and C1 controls, DEL, line/paragraph separators, bidi overrides.
bool is_control_character(char32_t code_point);

// Valid UTF-8 without control characters: each invalid sequence becomes one
// U+FFFD (the Unicode "maximal subpart" practice), control characters vanish.
std::string sanitize_text(std::string_view raw);

// The longest prefix of valid UTF-8 `text` that fits `max_bytes` and ends on a
// character boundary.
std::string_view cut_utf8(std::string_view text, size_t max_bytes);

// Where the character that ends just before `position` starts (for backspace).
size_t previous_character_start(std::string_view text, size_t position);

// Columns a terminal uses to show valid UTF-8 `text`: 2 for East Asian wide
// characters (CJK, Hangul, fullwidth forms, most emoji), 0 for combining marks
// and zero-width characters, 1 otherwise. An incomplete character at the end
// (still being typed) takes no columns yet.
size_t display_width(std::string_view text);

// Untrusted bytes made safe for a log line: non-printable bytes and invalid
// UTF-8 become \xNN, and at most `max_bytes` of input are shown.
std::string printable(std::string_view untrusted, size_t max_bytes = 64);

}  // namespace muxd::chat
