#pragma once
// Chat text: what a line may hold before it is fanned out or shown on a
// terminal. The UTF-8 decoding under it is core/utf8.h.
#include <cstddef>
#include <string>
#include <string_view>

namespace muxd::chat {

// Characters that would let a line rewrite the reader's terminal or the look of
// the line: C0 and C1 controls, DEL, line/paragraph separators, bidi overrides.
bool is_control_character(char32_t code_point);

// Valid UTF-8 without control characters: each invalid sequence becomes one
// U+FFFD (the Unicode "maximal subpart" practice), control characters vanish.
std::string sanitize_text(std::string_view raw);

// Columns a terminal uses to show valid UTF-8 `text`: 2 for East Asian wide
// characters (CJK, Hangul, fullwidth forms, most emoji), 0 for combining marks
// and zero-width characters, 1 otherwise. An incomplete character at the end
// (still being typed) takes no columns yet.
size_t display_width(std::string_view text);

// Untrusted bytes made safe for a log line: non-printable bytes and invalid
// UTF-8 become \xNN, and at most `max_bytes` of input are shown.
std::string printable(std::string_view untrusted, size_t max_bytes = 64);

}  // namespace muxd::chat
