#include <gtest/gtest.h>

#include "dict/source_format.h"

namespace muxd::dict {
namespace {

TsvEntry tsv(std::string_view line) {
  auto parsed = parse_tsv_line(line);
  EXPECT_TRUE(std::holds_alternative<TsvEntry>(parsed)) << line;
  return std::holds_alternative<TsvEntry>(parsed) ? std::get<TsvEntry>(parsed) : TsvEntry{};
}

std::string tsv_error(std::string_view line) {
  auto parsed = parse_tsv_line(line);
  EXPECT_TRUE(std::holds_alternative<ParseError>(parsed)) << line;
  return std::holds_alternative<ParseError>(parsed) ? std::get<ParseError>(parsed).what : "";
}

TEST(TsvLine, Entries) {
  auto entry = tsv("hello\t你好");
  EXPECT_EQ(entry.word, "hello");
  EXPECT_EQ(entry.meaning, "你好");
  EXPECT_EQ(tsv("word\tmeaning\r").meaning, "meaning");
  EXPECT_EQ(tsv("a b\tmore\ttabs").meaning, "more\ttabs");
  EXPECT_EQ(tsv("w\tline one\\nline two \\\\n \\t").meaning, "line one\nline two \\n \\t");
  EXPECT_EQ(tsv("x\t").meaning, "");
  EXPECT_EQ(tsv("'; DROP TABLE words; --\tverbatim").word, "'; DROP TABLE words; --");
}

TEST(TsvLine, Skipped) {
  for (std::string_view line : {"", "   ", "\t", "# comment", "#\tnot an entry", "\r"})
    EXPECT_TRUE(std::holds_alternative<Skip>(parse_tsv_line(line))) << line;
}

TEST(TsvLine, Errors) {
  EXPECT_EQ(tsv_error("no tab here"), "no tab between word and meaning");
  EXPECT_EQ(tsv_error("\tmeaning"), "empty word");
  EXPECT_EQ(tsv_error("bad\xFF\tmeaning"), "word is not valid UTF-8");
  EXPECT_EQ(tsv_error("word\tbad\xC0\xAF"), "meaning is not valid UTF-8");
  EXPECT_EQ(tsv_error("ctl\x01\tmeaning"), "control character in word");
  EXPECT_EQ(tsv_error(std::string(kMaxWordBytes + 1, 'a') + "\tm"), "word longer than 512 bytes");
  EXPECT_EQ(tsv(std::string(kMaxWordBytes, 'a') + "\tm").word.size(), kMaxWordBytes);
}

TEST(DictdNumber, Base64Digits) {
  uint64_t value = 0;
  ASSERT_TRUE(decode_dictd_number("B", value));
  EXPECT_EQ(value, 1u);
  ASSERT_TRUE(decode_dictd_number("BA", value));
  EXPECT_EQ(value, 64u);
  ASSERT_TRUE(decode_dictd_number("ff", value));  // 31 * 64 + 31
  EXPECT_EQ(value, 2015u);
  ASSERT_TRUE(decode_dictd_number("+/", value));
  EXPECT_EQ(value, 62u * 64 + 63);
  ASSERT_TRUE(decode_dictd_number("//////////", value));
  EXPECT_EQ(value, (uint64_t{1} << 60) - 1);
  EXPECT_FALSE(decode_dictd_number("", value));
  EXPECT_FALSE(decode_dictd_number("///////////", value));  // 66 bits
  EXPECT_FALSE(decode_dictd_number("A=", value));
  EXPECT_FALSE(decode_dictd_number("A-", value));
}

TEST(IndexLine, WordNetLines) {
  auto parsed = parse_index_line("'hood\tB\tm", 1000);
  ASSERT_TRUE(std::holds_alternative<IndexEntry>(parsed));
  auto entry = std::get<IndexEntry>(parsed);
  EXPECT_EQ(entry.word, "'hood");
  EXPECT_EQ(entry.offset, 1u);
  EXPECT_EQ(entry.length, 38u);
  parsed = parse_index_line("00-database-short\tBed\tu", 10000);
  ASSERT_TRUE(std::holds_alternative<IndexEntry>(parsed));
  EXPECT_EQ(std::get<IndexEntry>(parsed).offset, 1 * 4096u + 30 * 64 + 29);
}

TEST(IndexLine, FourthFieldIsTheWord) {
  auto parsed = parse_index_line("strasse\tA\tB\tStraße", 10);
  ASSERT_TRUE(std::holds_alternative<IndexEntry>(parsed));
  EXPECT_EQ(std::get<IndexEntry>(parsed).word, "Straße");
}

TEST(IndexLine, Errors) {
  auto error = [](std::string_view line, uint64_t size = 1000) {
    auto parsed = parse_index_line(line, size);
    return std::holds_alternative<ParseError>(parsed) ? std::get<ParseError>(parsed).what : "(parsed)";
  };
  EXPECT_EQ(error("word"), "expected headword<TAB>offset<TAB>length");
  EXPECT_EQ(error("word\tA"), "expected headword<TAB>offset<TAB>length");
  EXPECT_EQ(error("word\t!\tB"), "bad base64 offset");
  EXPECT_EQ(error("word\tA\t"), "bad base64 length");
  EXPECT_EQ(error("a\tA\tB\tc\td"), "more than four tab-separated fields");
  EXPECT_EQ(error("\tA\tB"), "empty word");
  EXPECT_EQ(error("word\tPo\tB", 1000), "entry 1000+1 lies beyond the data file (1000 bytes)");
  EXPECT_EQ(error("word\tA\tPp", 1000), "entry 0+1001 lies beyond the data file (1000 bytes)");
  EXPECT_EQ(error("word\t//////////\t//////////", UINT64_MAX), "entry longer than 1 MiB");
  EXPECT_EQ(error("word\tA\tPo", 1000), "(parsed)");
  EXPECT_EQ(error(std::string(kMaxIndexLineBytes + 1, 'a')), "line too long");
}

TEST(LineSplitter, SplitsAcrossFeeds) {
  LineSplitter splitter(100);
  std::string line;
  splitter.feed("one\ntw");
  ASSERT_TRUE(splitter.next(line));
  EXPECT_EQ(line, "one");
  EXPECT_FALSE(splitter.next(line));
  splitter.feed("o\n\nthree");
  ASSERT_TRUE(splitter.next(line));
  EXPECT_EQ(line, "two");
  ASSERT_TRUE(splitter.next(line));
  EXPECT_EQ(line, "");
  EXPECT_FALSE(splitter.next(line));
  ASSERT_TRUE(splitter.finish(line));
  EXPECT_EQ(line, "three");
  EXPECT_FALSE(splitter.finish(line));
}

TEST(LineSplitter, ByteByByte) {
  LineSplitter splitter(100);
  std::string text = "alpha\nbeta\ngamma\n", line, joined;
  for (char c : text) {
    splitter.feed(std::string_view(&c, 1));
    while (splitter.next(line)) joined += line + "|";
  }
  EXPECT_FALSE(splitter.finish(line));
  EXPECT_EQ(joined, "alpha|beta|gamma|");
}

TEST(LineSplitter, RefusesLongLines) {
  LineSplitter splitter(5);
  std::string line;
  splitter.feed("12345\n123");
  ASSERT_TRUE(splitter.next(line));
  splitter.feed("456");
  EXPECT_FALSE(splitter.next(line));
  EXPECT_TRUE(splitter.too_long());
  LineSplitter other(5);
  other.feed("1234567\n");
  EXPECT_FALSE(other.next(line));
  EXPECT_TRUE(other.too_long());
}

}  // namespace
}  // namespace muxd::dict
