#include "chat/text.h"

#include <gtest/gtest.h>

#include "core/utf8.h"

namespace muxd::chat {
namespace {

TEST(ChatText, SanitiseRemovesControlCharacters) {
  EXPECT_EQ(sanitize_text("a\tb\nc\rd\x1b[2Je\x7f"), "abcd[2Je");
  EXPECT_EQ(sanitize_text("x\xC2\x85y"), "xy");              // C1 NEL
  EXPECT_EQ(sanitize_text("evil\u202Etxt.exe"), "eviltxt.exe");  // bidi override
  EXPECT_EQ(sanitize_text("a\u2028b"), "ab");                // line separator
}

TEST(ChatText, SanitiseReplacesInvalidSequences) {
  EXPECT_EQ(sanitize_text("a\xFF" "b"), "a\uFFFD" "b");
  EXPECT_EQ(sanitize_text("\xE6\x97"), "\uFFFD");             // one maximal subpart
  EXPECT_EQ(sanitize_text("\xC0\xAF"), "\uFFFD\uFFFD");       // C0 never starts a character
  EXPECT_EQ(sanitize_text("中文 ok"), "中文 ok");
  EXPECT_TRUE(is_valid_utf8(sanitize_text(std::string("\x00\x80\xC3(\xF0\x28\x8C\xBC", 8))));
}

TEST(ChatText, PrintableEscapesUntrustedBytes) {
  EXPECT_EQ(printable("bob"), "bob");
  EXPECT_EQ(printable("a\x1b[31m"), "a\\x1b[31m");
  EXPECT_EQ(printable("\xFF"), "\\xff");
  EXPECT_EQ(printable("a\\b"), "a\\x5cb");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace muxd::chat
