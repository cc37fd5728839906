#pragma once
// Parsers for the two import formats, sans-IO: they see lines and bytes,
// never files, so unit tests and the fuzzer drive them with strings.
//  - TSV: UTF-8 lines "word<TAB>meaning".
//  - dictd's index: lines "headword<TAB>offset<TAB>length", the numbers in
//    dictd's base64 (dictd(8), "DATABASE FORMAT"; dictfmt(1)).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace muxd::dict {

// Limits for imported data. A word must fit in a DICT command line (RFC 2229
// §2.2: 1,024 bytes), with the command and the database name around it.
inline constexpr size_t kMaxWordBytes = 512;
inline constexpr size_t kMaxMeaningBytes = 1 << 20;
inline constexpr size_t kMaxIndexLineBytes = 4096;
inline constexpr size_t kMaxTsvLineBytes = kMaxWordBytes + 1 + kMaxMeaningBytes;

struct ParseError { std::string what; };
struct Skip {};  // a comment or blank line

// Checks a word as it will be stored: not empty, valid UTF-8, at most
// kMaxWordBytes, no control characters (C0, DEL). Returns what is wrong, or "".
std::string check_word(std::string_view word);

// TSV: one line without its "\n" (a trailing "\r" is dropped too). Lines that
// are empty, only blanks, or start with '#' are skipped. The meaning may be
// empty of text but the tab must be there; "\\n" in the meaning stands for a
// line break and "\\\\" for a backslash (so a TSV line can hold a
// multi-line definition); any other backslash is kept as it is.
struct TsvEntry { std::string word, meaning; };
std::variant<TsvEntry, Skip, ParseError> parse_tsv_line(std::string_view line);

// dictd's base64 number: the digits of "A-Za-z0-9+/" (0..63), most significant
// first, no padding, 1..10 digits (60 bits). nullopt-like: returns false.
bool decode_dictd_number(std::string_view digits, uint64_t& value);

// One index line, without its "\n". `data_size` bounds offset + length. A
// fourth field (dictfmt --index-keep-orig: the headword as written, the first
// being its normalised form) is taken as the word.
struct IndexEntry {
  std::string word;
  uint64_t offset = 0, length = 0;
};
std::variant<IndexEntry, ParseError> parse_index_line(std::string_view line, uint64_t data_size);

// Splits a byte stream into lines, sans-IO: feed() chunks, next() complete
// lines (without "\n") until it returns false; finish() at the end of input
// yields a last line without a newline. A line longer than `max_line` is an
// error (too_long() then says so) instead of unbounded memory.
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line) : max_line_(max_line) {}
  void feed(std::string_view bytes);
  bool next(std::string& line);  // false: need more input (or too long)
  bool finish(std::string& line);
  bool too_long() const { return too_long_; }

 private:
  size_t max_line_;
  std::string pending_;
  size_t start_ = 0, scanned_ = 0;
  bool too_long_ = false;
};

}  // namespace muxd::dict
