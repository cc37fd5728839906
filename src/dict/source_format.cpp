#include "dict/source_format.h"

#include <fmt/format.h>

#include "core/utf8.h"

namespace muxd::dict {
namespace {

int dictd_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string unescape_meaning(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == '\\')) {
      out += text[++i] == 'n' ? '\n' : '\\';
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

std::string check_word(std::string_view word) {
  if (word.empty()) return "empty word";
  if (word.size() > kMaxWordBytes) return fmt::format("word longer than {} bytes", kMaxWordBytes);
  if (!is_valid_utf8(word)) return "word is not valid UTF-8";
  for (unsigned char c : word)
    if (c < 0x20 || c == 0x7F) return "control character in word";
  return {};
}

std::variant<TsvEntry, Skip, ParseError> parse_tsv_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.find_first_not_of(" \t") == std::string_view::npos || line.front() == '#') return Skip{};
  size_t tab = line.find('\t');
  if (tab == std::string_view::npos) return ParseError{"no tab between word and meaning"};
  std::string_view word = line.substr(0, tab), meaning = line.substr(tab + 1);
  if (auto wrong = check_word(word); !wrong.empty()) return ParseError{wrong};
  if (meaning.size() > kMaxMeaningBytes) return ParseError{"meaning longer than 1 MiB"};
  if (!is_valid_utf8(meaning)) return ParseError{"meaning is not valid UTF-8"};
  return TsvEntry{std::string(word), unescape_meaning(meaning)};
}

bool decode_dictd_number(std::string_view digits, uint64_t& value) {
  if (digits.empty() || digits.size() > 10) return false;
  value = 0;
  for (char c : digits) {
    int digit = dictd_digit(c);
    if (digit < 0) return false;
    value = value * 64 + static_cast<uint64_t>(digit);
  }
  return true;
}

std::variant<IndexEntry, ParseError> parse_index_line(std::string_view line, uint64_t data_size) {
  if (line.size() > kMaxIndexLineBytes) return ParseError{"line too long"};
  std::string_view fields[4];
  size_t count = 0;
  for (size_t start = 0;;) {
    size_t tab = line.find('\t', start);
    if (count == 4) return ParseError{"more than four tab-separated fields"};
    fields[count++] = line.substr(start, tab == std::string_view::npos ? tab : tab - start);
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  if (count < 3) return ParseError{"expected headword<TAB>offset<TAB>length"};
  IndexEntry entry;
  if (!decode_dictd_number(fields[1], entry.offset)) return ParseError{"bad base64 offset"};
  if (!decode_dictd_number(fields[2], entry.length)) return ParseError{"bad base64 length"};
  if (entry.offset > data_size || entry.length > data_size - entry.offset)
    return ParseError{fmt::format("entry {}+{} lies beyond the data file ({} bytes)", entry.offset,
                                  entry.length, data_size)};
  if (entry.length > kMaxMeaningBytes) return ParseError{"entry longer than 1 MiB"};
  std::string_view word = count == 4 ? fields[3] : fields[0];
  if (auto wrong = check_word(word); !wrong.empty()) return ParseError{wrong};
  entry.word = std::string(word);
  return entry;
}

void LineSplitter::feed(std::string_view bytes) {
  if (start_ > 0 && start_ >= pending_.size() / 2) {  // drop consumed lines now and then
    pending_.erase(0, start_);
    scanned_ -= start_;
    start_ = 0;
  }
  pending_.append(bytes);
}

bool LineSplitter::next(std::string& line) {
  if (too_long_) return false;
  size_t newline = pending_.find('\n', scanned_);
  if (newline == std::string::npos) {
    scanned_ = pending_.size();
    if (pending_.size() - start_ > max_line_) too_long_ = true;
    return false;
  }
  if (newline - start_ > max_line_) return too_long_ = true, false;
  line.assign(pending_, start_, newline - start_);
  start_ = scanned_ = newline + 1;
  return true;
}

bool LineSplitter::finish(std::string& line) {
  if (too_long_ || start_ >= pending_.size()) return false;
  line.assign(pending_, start_, std::string::npos);
  start_ = scanned_ = pending_.size();
  return true;
}

}  // namespace muxd::dict
