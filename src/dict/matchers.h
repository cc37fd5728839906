#pragma once
// The two MATCH strategies that are not a comparison of keys (RFC 2229 §3.3,
// dictd's "lev" and "soundex"): pure functions, applied in C++ to candidate
// rows the store fetched by index (store.cpp).
#include <string>
#include <string_view>

namespace muxd::dict {

// Levenshtein distance at most one (one insertion, deletion or substitution),
// counted in code points, not bytes, so that "中文" and "中国" are one apart.
// Equal strings are within one too; dictd's lev lists only the others, and so
// does the store (it leaves the exact word out).
bool within_one_edit(std::string_view a, std::string_view b);

// American Soundex (as the US census and Knuth, TAOCP vol. 3, describe it): the
// first letter, then the digits of the following consonants, letters of the
// same digit that are adjacent or separated only by H or W coded once,
// padded with zeros to four characters: "Robert" and "Rupert" are R163,
// "Ashcraft" A261, "Tymczak" T522, "Pfister" P236. Only ASCII letters count;
// other characters are skipped. Empty when the word has no ASCII letter
// (a Chinese word has no Soundex code: it matches nothing by soundex).
std::string soundex(std::string_view word);

}  // namespace muxd::dict
