#include "ftp/reply.h"

#include <gtest/gtest.h>

#include "ftp/command_parser.h"

namespace muxd::ftp {
namespace {

TEST(Reply, SingleLine) { EXPECT_EQ(format_reply(200, "NOOP ok."), "200 NOOP ok.\r\n"); }

TEST(Reply, MultiLineHasDashFirstAndSpaceLast) {
  EXPECT_EQ(format_reply(211, "Features:\n EPSV\nEnd"), "211-Features:\r\n EPSV\r\n211 End\r\n");
}

TEST(Reply, MiddleLineStartingWithDigitIsPadded) {
  // RFC 959 §4.2: "226 x" inside a reply must not look like its end.
  EXPECT_EQ(format_reply(213, "Status:\n226 fake\nEnd"), "213-Status:\r\n 226 fake\r\n213 End\r\n");
}

TEST(Reply, CarriageReturnsAreDropped) {
  EXPECT_EQ(format_reply(550, "a\rb"), "550 ab\r\n");
  EXPECT_EQ(format_reply(211, "a\r\nb"), "211-a\r\n211 b\r\n");
}

TEST(Reply, AppendAddsToExistingOutput) {
  std::string out = "150 x\r\n";
  append_reply(out, 226, "done");
  EXPECT_EQ(out, "150 x\r\n226 done\r\n");
}

TEST(Reply, QuotePathDoublesQuotes) {
  EXPECT_EQ(quote_path("/a \"b\""), "\"/a \"\"b\"\"\"");
  EXPECT_EQ(quote_path("/"), "\"/\"");
}

TEST(CommandParser, VerbIsUpperCasedArgumentKeptVerbatim) {
  auto command = parse_command("retr My File.txt ");
  ASSERT_TRUE(command);
  EXPECT_EQ(command->verb, "RETR");
  EXPECT_EQ(command->argument, "My File.txt ");
}

TEST(CommandParser, NoArgument) {
  auto command = parse_command("PWD");
  ASSERT_TRUE(command);
  EXPECT_EQ(command->verb, "PWD");
  EXPECT_EQ(command->argument, "");
}

TEST(CommandParser, OnlyTheFirstSpaceSeparates) {
  auto command = parse_command("STOR  lead");
  ASSERT_TRUE(command);
  EXPECT_EQ(command->argument, " lead");
}

TEST(CommandParser, Utf8ArgumentPassesThrough) {
  auto command = parse_command("CWD 文件");
  ASSERT_TRUE(command);
  EXPECT_EQ(command->argument, "文件");
}

TEST(CommandParser, RefusesNonCommands) {
  EXPECT_FALSE(parse_command(""));
  EXPECT_FALSE(parse_command(" USER a"));
  EXPECT_FALSE(parse_command("US3R a"));
  EXPECT_FALSE(parse_command(std::string("US\0R", 4)));
  EXPECT_FALSE(parse_command("\xe6\x96\x87"));
}

TEST(CommandParser, VerbLengthLimit) {
  EXPECT_TRUE(parse_command(std::string(kMaxVerbLength, 'A')));
  EXPECT_FALSE(parse_command(std::string(kMaxVerbLength + 1, 'A')));
}

}  // namespace
}  // namespace muxd::ftp
