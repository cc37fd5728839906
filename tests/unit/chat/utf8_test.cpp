#include "chat/utf8.h"

#include <gtest/gtest.h>

namespace muxd::chat {
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
  EXPECT_FALSE(is_valid_utf8("hello \xE4\xB8"));
}

TEST(Utf8, AppendEncodesEveryLength) {
  std::string out;
  for (char32_t cp : {U'a', U'é', U'管', U'😀'}) append_utf8(out, cp);
  EXPECT_EQ(out, "aé管😀");
}

TEST(Utf8, SanitiseRemovesControlCharacters) {
  EXPECT_EQ(sanitize_text("a\tb\nc\rd\x1b[2Je\x7f"), "abcd[2Je");
  EXPECT_EQ(sanitize_text("x\xC2\x85y"), "xy");              // C1 NEL
  EXPECT_EQ(sanitize_text("evil\u202Etxt.exe"), "eviltxt.exe");  // bidi override
  EXPECT_EQ(sanitize_text("a\u2028b"), "ab");                // line separator
}

TEST(Utf8, SanitiseReplacesInvalidSequences) {
  EXPECT_EQ(sanitize_text("a\xFF" "b"), "a\uFFFD" "b");
  EXPECT_EQ(sanitize_text("\xE6\x97"), "\uFFFD");             // one maximal subpart
  EXPECT_EQ(sanitize_text("\xC0\xAF"), "\uFFFD\uFFFD");       // C0 never starts a character
  EXPECT_EQ(sanitize_text("中文 ok"), "中文 ok");
  EXPECT_TRUE(is_valid_utf8(sanitize_text(std::string("\x00\x80\xC3(\xF0\x28\x8C\xBC", 8))));
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

TEST(Utf8, PrintableEscapesUntrustedBytes) {
  EXPECT_EQ(printable("bob"), "bob");
  EXPECT_EQ(printable("a\x1b[31m"), "a\\x1b[31m");
  EXPECT_EQ(printable("\xFF"), "\\xff");
  EXPECT_EQ(printable("a\\b"), "a\\x5cb");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace muxd::chat
