#include "core/utf8.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace muxd {
namespace {

TEST(Utf8, DecodesEachLength) {
  EXPECT_EQ(decode_utf8("A").code_point, U'A');
  EXPECT_EQ(decode_utf8("é").code_point, U'é');
  EXPECT_EQ(decode_utf8("管").code_point, U'管');
  const Utf8Char emoji = decode_utf8("😀");
  EXPECT_TRUE(emoji.valid);
  EXPECT_EQ(emoji.code_point, U'😀');
  EXPECT_EQ(emoji.length, 4u);
}

TEST(Utf8, RefusesOverlongSurrogatesAndOutOfRange) {
  EXPECT_FALSE(decode_utf8("\xC0\xAF").valid);          // overlong '/'
  EXPECT_FALSE(decode_utf8("\xE0\x80\xAF").valid);      // overlong, 3 bytes
  EXPECT_FALSE(decode_utf8("\xED\xA0\x80").valid);      // U+D800 surrogate
  EXPECT_FALSE(decode_utf8("\xF4\x90\x80\x80").valid);  // U+110000
  EXPECT_FALSE(decode_utf8("\xF5\x80\x80\x80").valid);
  EXPECT_FALSE(decode_utf8("\x80").valid);  // a lone continuation byte
  EXPECT_FALSE(decode_utf8("\xFF").valid);
}

TEST(Utf8, InvalidSequenceLengthIsTheMaximalSubpart) {
  EXPECT_EQ(decode_utf8("\xE6\x97").length, 2u);    // truncated 3-byte character
  EXPECT_EQ(decode_utf8("\xE6\x97" "A").length, 2u);
  EXPECT_EQ(decode_utf8("\xED\xA0\x80").length, 1u);  // ED A0 is never a prefix
  EXPECT_EQ(decode_utf8("\xF0\x9F\x98").length, 3u);
}

TEST(Utf8, ValidityOfWholeStrings) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("hello 世界"));
  EXPECT_TRUE(is_valid_utf8("中文 Ünïcødé 😀"));
  EXPECT_FALSE(is_valid_utf8("hello \xE4\xB8"));    // truncated
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\x80"));              // a lone continuation byte
}

// The bytes of `cp` in a form `length` bytes long (RFC 3629 §3's bit layout),
// whether or not that is the shortest: longer forms are overlong.
std::string encode_in(char32_t cp, size_t length) {
  static constexpr unsigned char kLead[] = {0, 0x00, 0xC0, 0xE0, 0xF0};
  std::string out(length, '\0');
  for (size_t i = length - 1; i > 0; --i, cp >>= 6) out[i] = static_cast<char>(0x80 | (cp & 0x3F));
  out[0] = static_cast<char>(kLead[length] | cp);
  return out;
}

size_t shortest_length(char32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

// Every code point, every form of it: exactly the shortest form of a scalar
// value (not a surrogate, at most U+10FFFF) is valid, and decodes back to it.
TEST(Utf8, EveryCodePointInEveryFormFollowsRfc3629) {
  for (char32_t cp = 0; cp < 0x200000; ++cp) {
    const bool scalar = cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    for (size_t length = shortest_length(cp); length <= 4; ++length) {
      const std::string bytes = encode_in(cp, length);
      const bool expected = scalar && length == shortest_length(cp);
      const Utf8Char decoded = decode_utf8(bytes);
      const auto form = static_cast<uint32_t>(cp);  // gtest cannot print a char32_t
      ASSERT_EQ(decoded.valid, expected) << std::hex << "U+" << form << " in " << length << " bytes";
      ASSERT_EQ(is_valid_utf8(bytes), expected) << std::hex << "U+" << form << " in " << length << " bytes";
      if (!expected) continue;
      ASSERT_EQ(static_cast<uint32_t>(decoded.code_point), form);
      ASSERT_EQ(decoded.length, length);
    }
  }
}

TEST(Utf8, IncompleteIsAWellFormedStartWithItsEndMissing) {
  EXPECT_TRUE(is_incomplete_utf8("\xE6"));
  EXPECT_TRUE(is_incomplete_utf8("\xE6\x97"));
  EXPECT_TRUE(is_incomplete_utf8("\xF0\x9F\x98"));
  EXPECT_FALSE(is_incomplete_utf8(""));
  EXPECT_FALSE(is_incomplete_utf8("a"));
  EXPECT_FALSE(is_incomplete_utf8("管"));            // complete
  EXPECT_FALSE(is_incomplete_utf8("\xE6\x97" "A"));  // broken, not unfinished
  EXPECT_FALSE(is_incomplete_utf8("\xED\xA0"));      // a surrogate never completes
  EXPECT_FALSE(is_incomplete_utf8("\x80"));
}

TEST(Utf8, AppendEncodesEveryLength) {
  std::string out;
  for (char32_t cp : {U'a', U'é', U'管', U'😀', char32_t{0x10FFFF}}) append_utf8(out, cp);
  EXPECT_EQ(out, "aé管😀\xF4\x8F\xBF\xBF");
}

TEST(Utf8, CutNeverSplitsACharacter) {
  EXPECT_EQ(cut_utf8("abc", 5), "abc");
  EXPECT_EQ(cut_utf8("abc", 2), "ab");
  EXPECT_EQ(cut_utf8("a管", 2), "a");
  EXPECT_EQ(cut_utf8("a管", 3), "a");
  EXPECT_EQ(cut_utf8("a管", 4), "a管");
  EXPECT_EQ(cut_utf8("😀😀", 7), "😀");
  EXPECT_EQ(cut_utf8("😀", 0), "");
}

TEST(Utf8, PreviousCharacterStartStepsOverWholeCharacters) {
  const std::string text = "aé管😀";
  EXPECT_EQ(previous_character_start(text, text.size()), 6u);
  EXPECT_EQ(previous_character_start(text, 6), 3u);
  EXPECT_EQ(previous_character_start(text, 3), 1u);
  EXPECT_EQ(previous_character_start(text, 1), 0u);
  EXPECT_EQ(previous_character_start(text, 0), 0u);
}

}  // namespace
}  // namespace muxd
