#include <gtest/gtest.h>

#include "dict/keys.h"
#include "dict/matchers.h"

namespace muxd::dict {
namespace {

TEST(NextCodePoint, StepsOneByteOverAnInvalidSequence) {
  const std::string text = "a\xE4\xB8猫";  // a truncated character, then a whole one
  size_t pos = 0;
  EXPECT_EQ(next_code_point(text, pos), U'a');
  EXPECT_EQ(next_code_point(text, pos), std::nullopt);
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(next_code_point(text, pos), std::nullopt);
  EXPECT_EQ(pos, 3u);
  EXPECT_EQ(next_code_point(text, pos), U'猫');
  EXPECT_EQ(pos, text.size());
}

TEST(FoldCase, AsciiAndLatin) {
  EXPECT_EQ(fold_case("Hello WORLD"), "hello world");
  EXPECT_EQ(fold_case("ÀÉÎÕÜ ÇÑ ×"), "àéîõü çñ ×");
  EXPECT_EQ(fold_case("ŁÓDŹ ŒUVRE Ÿ"), "łódź œuvre ÿ");
  EXPECT_EQ(fold_case("ΑΒΓ Ωμέγα"), "αβγ ωμέγα");
  EXPECT_EQ(fold_case("МОСКВА Ёж"), "москва ёж");
}

TEST(FoldCase, LeavesOtherScriptsAndBadBytes) {
  EXPECT_EQ(fold_case("中文词典"), "中文词典");
  EXPECT_EQ(fold_case("ß"), "ß");  // no full folding
  EXPECT_EQ(fold_case("A\xFF" "B"), "a\xFF" "b");
}

TEST(ReverseCodePoints, KeepsCharactersWhole) {
  EXPECT_EQ(reverse_code_points("abc"), "cba");
  EXPECT_EQ(reverse_code_points("中文a"), "a文中");
  EXPECT_EQ(reverse_code_points(""), "");
}

TEST(PrefixSuccessor, IsTheLeastBoundAbove) {
  EXPECT_EQ(prefix_successor("abc"), "abd");
  EXPECT_EQ(prefix_successor("a"), "b");
  EXPECT_EQ(prefix_successor(""), "");
  EXPECT_EQ(prefix_successor("中"), "丮");  // U+4E2D -> U+4E2E
  EXPECT_EQ(prefix_successor("a\x7F"), "a\xC2\x80");  // U+007F -> U+0080, still valid UTF-8
  EXPECT_EQ(prefix_successor("a\xED\x9F\xBF"), "a\xEE\x80\x80");  // U+D7FF skips the surrogates
  EXPECT_EQ(prefix_successor("a\xF4\x8F\xBF\xBF"), "b");            // U+10FFFF dropped
  EXPECT_EQ(prefix_successor("\xF4\x8F\xBF\xBF"), "");
  for (std::string prefix : {"abc", "中文", "a\x7F"}) {
    std::string bound = prefix_successor(prefix);
    EXPECT_TRUE(is_valid_utf8(bound));
    EXPECT_LT(prefix + "\xF4\x8F\xBF\xBF\xF4\x8F\xBF\xBF", bound);
    EXPECT_LT(prefix, bound);
  }
}

TEST(WithinOneEdit, Levenshtein) {
  EXPECT_TRUE(within_one_edit("cat", "cat"));
  EXPECT_TRUE(within_one_edit("cat", "bat"));   // substitution
  EXPECT_TRUE(within_one_edit("cat", "cats"));  // insertion at the end
  EXPECT_TRUE(within_one_edit("cat", "at"));    // deletion at the start
  EXPECT_TRUE(within_one_edit("cat", "cart"));  // insertion inside
  EXPECT_TRUE(within_one_edit("", "a"));
  EXPECT_FALSE(within_one_edit("cat", "dog"));
  EXPECT_FALSE(within_one_edit("cat", "act"));  // a transposition is two edits
  EXPECT_FALSE(within_one_edit("cat", "c"));
  EXPECT_FALSE(within_one_edit("kitten", "sitting"));
}

TEST(WithinOneEdit, CountsCodePointsNotBytes) {
  EXPECT_TRUE(within_one_edit("中文", "中国"));
  EXPECT_TRUE(within_one_edit("中文", "中"));
  EXPECT_TRUE(within_one_edit("café", "cafe"));
  EXPECT_FALSE(within_one_edit("中文", "英语"));
}

TEST(Soundex, KnownCodes) {
  EXPECT_EQ(soundex("Robert"), "R163");
  EXPECT_EQ(soundex("Rupert"), "R163");
  EXPECT_EQ(soundex("Rubin"), "R150");
  EXPECT_EQ(soundex("Ashcraft"), "A261");
  EXPECT_EQ(soundex("Ashcroft"), "A261");
  EXPECT_EQ(soundex("Tymczak"), "T522");
  EXPECT_EQ(soundex("Pfister"), "P236");
  EXPECT_EQ(soundex("Honeyman"), "H555");
  EXPECT_EQ(soundex("Lee"), "L000");
  EXPECT_EQ(soundex("lee"), "L000");
}

TEST(Soundex, NoLetterNoCode) {
  EXPECT_EQ(soundex(""), "");
  EXPECT_EQ(soundex("中文"), "");
  EXPECT_EQ(soundex("1984"), "");
  EXPECT_EQ(soundex("o'brien"), soundex("obrien"));
}

}  // namespace
}  // namespace muxd::dict
