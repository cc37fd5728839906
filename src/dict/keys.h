#pragma once
// The normalised forms of a word that the words table stores beside it, so
// that lookups are index range scans (store.h). All work on UTF-8 and never
// fail: bytes that are not valid UTF-8 pass through as they are (an imported
// word is valid UTF-8, import.cpp checks; a word from the network may not be).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/utf8.h"  // the one UTF-8 decoder, encoder and validator (is_valid_utf8)

namespace muxd::dict {

// The next code point of `text` at `pos` (advanced past it), or nullopt at an
// invalid sequence (pos then advances by one byte only, so that each byte of
// it stands for itself in keys and matchers). Decoded by core's decode_utf8.
std::optional<char32_t> next_code_point(std::string_view text, size_t& pos);

// The case-folded key: simple one-to-one lower-casing of the scripts whose
// upper and lower case differ by a fixed offset or alternate in pairs: ASCII,
// Latin-1 Supplement, Latin Extended-A, Greek, Cyrillic. Everything else
// (CJK has no case) is unchanged. Not full Unicode case folding: no ß -> ss,
// no Turkish dotless i, no final sigma; simple, and the same on every
// database back end because it is computed here, not in SQL.
std::string fold_case(std::string_view word);

// The key read backwards by code points: a suffix match is a prefix range on it.
std::string reverse_code_points(std::string_view key);

// The least string greater than every string that starts with `prefix`, by
// byte order (which is code-point order for UTF-8): the last code point is
// incremented (U+D7FF goes to U+E000, U+10FFFF is dropped and the one before
// incremented). Empty when there is none (empty prefix, or only U+10FFFF):
// then there is no upper bound. Valid UTF-8 in, valid UTF-8 out (PostgreSQL
// refuses invalid UTF-8 in a text parameter).
std::string prefix_successor(std::string_view prefix);

}  // namespace muxd::dict
