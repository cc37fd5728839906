// Fuzzes the dictd readers: the index (LineSplitter + parse_index_line) and
// the dictzip reader. The input: one byte choosing the mode, then
//  - index mode: two bytes of data-file size (little-endian, times 16), one
//    byte of feed chunk size, then the index text, fed in chunks;
//  - dictzip mode: the bytes of a .dz file, opened and read at ranges the
//    first bytes pick.
// Invariants: an entry parsed lies within the data file, its word is valid
// UTF-8 of at most kMaxWordBytes with no control characters, its length at
// most kMaxMeaningBytes; no line longer than the limit is ever returned;
// the dictzip reader either throws DictDataError or returns exactly the bytes
// asked for, and never reads beyond its size.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/utf8.h"
#include "dict/dict_data.h"
#include "dict/keys.h"
#include "dict/source_format.h"

namespace {

using namespace muxd::dict;

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

void check_line(const std::string& line, uint64_t data_size) {
  check(line.size() <= kMaxIndexLineBytes, "line over the limit returned");
  check(line.find('\n') == std::string::npos, "newline inside a line");
  auto parsed = parse_index_line(line, data_size);
  if (auto* entry = std::get_if<IndexEntry>(&parsed)) {
    check(entry->offset <= data_size && entry->length <= data_size - entry->offset, "entry beyond the data");
    check(entry->length <= kMaxMeaningBytes, "entry over the limit");
    check(!entry->word.empty() && entry->word.size() <= kMaxWordBytes, "word size");
    check(muxd::is_valid_utf8(entry->word), "word not UTF-8");
    for (unsigned char c : entry->word) check(c >= 0x20 && c != 0x7F, "control character in word");
  } else {
    check(!std::get<ParseError>(parsed).what.empty(), "error without a reason");
  }
}

void fuzz_index(std::string_view input) {
  if (input.size() < 3) return;
  uint64_t data_size = (static_cast<uint64_t>(static_cast<unsigned char>(input[0])) |
                        static_cast<uint64_t>(static_cast<unsigned char>(input[1])) << 8) * 16;
  size_t chunk = static_cast<unsigned char>(input[2]) + 1;
  input.remove_prefix(3);
  LineSplitter splitter(kMaxIndexLineBytes);
  std::string line;
  for (size_t at = 0; at < input.size() && !splitter.too_long(); at += chunk) {
    splitter.feed(input.substr(at, chunk));
    while (splitter.next(line)) check_line(line, data_size);
  }
  if (splitter.finish(line)) check_line(line, data_size);
}

void fuzz_dictzip(std::string_view input) {
  std::string file(input);
  ReadAt read = [&file](uint64_t offset, size_t length) {
    return offset >= file.size() ? std::string() : file.substr(offset, length);
  };
  try {
    auto data = open_dictzip_data(read, file.size());
    uint64_t size = data->size();
    for (size_t i = 0; i + 1 < input.size() && i < 8; i += 2) {
      uint64_t offset = size ? static_cast<unsigned char>(input[i]) * 97 % size : 0;
      uint64_t length = std::min<uint64_t>(size - offset, static_cast<unsigned char>(input[i + 1]) * 31);
      try {
        check(data->read(offset, length).size() == length, "short read");
      } catch (const DictDataError&) {
      }
    }
  } catch (const DictDataError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  char mode = input[0];
  input.remove_prefix(1);
  if (mode & 1) fuzz_dictzip(input);
  else fuzz_index(input);
  return 0;
}
