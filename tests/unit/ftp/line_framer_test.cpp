#include "ftp/line_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace muxd::ftp {
namespace {

// Feeds `input` whole and collects the lines; stops at too_long.
std::vector<std::string> lines_of(LineFramer& framer, std::string_view input, bool* too_long = nullptr) {
  std::vector<std::string> lines;
  std::string line;
  while (!input.empty()) {
    size_t consumed = 0;
    auto status = framer.next(input, &consumed, &line);
    input.remove_prefix(consumed);
    if (status == LineFramer::Status::line) lines.push_back(line);
    if (status == LineFramer::Status::too_long) {
      if (too_long) *too_long = true;
      break;
    }
  }
  return lines;
}

TEST(LineFramer, SplitsCrlfAndBareLf) {
  LineFramer framer;
  EXPECT_EQ(lines_of(framer, "USER a\r\nPASS b\nNOOP\r\n"),
            (std::vector<std::string>{"USER a", "PASS b", "NOOP"}));
}

TEST(LineFramer, KeepsAPartialLineAcrossCalls) {
  LineFramer framer;
  EXPECT_TRUE(lines_of(framer, "RET").empty());
  EXPECT_TRUE(lines_of(framer, "R a b\r").empty());
  EXPECT_EQ(lines_of(framer, "\n"), (std::vector<std::string>{"RETR a b"}));
}

TEST(LineFramer, StopsAfterOneLine) {
  LineFramer framer;
  std::string line;
  size_t consumed = 0;
  ASSERT_EQ(framer.next("A\r\nB\r\n", &consumed, &line), LineFramer::Status::line);
  EXPECT_EQ(consumed, 3u);
  EXPECT_EQ(line, "A");
}

TEST(LineFramer, EmptyLineIsALine) {
  LineFramer framer;
  EXPECT_EQ(lines_of(framer, "\r\n"), (std::vector<std::string>{""}));
}

TEST(LineFramer, KeepsInnerCarriageReturnOnlyStripsTheLastOne) {
  LineFramer framer;
  EXPECT_EQ(lines_of(framer, "a\rb\r\r\n"), (std::vector<std::string>{"a\rb\r"}));
}

TEST(LineFramer, StripsTelnetInterruptAndSynchBeforeAbor) {
  LineFramer framer;  // RFC 959 §4.1.3: IAC IP, IAC DM (urgent), then ABOR
  EXPECT_EQ(lines_of(framer, "\xff\xf4\xff\xf2" "ABOR\r\n"), (std::vector<std::string>{"ABOR"}));
}

TEST(LineFramer, DropsIacWhoseCommandByteWentOutOfBand) {
  LineFramer framer;  // IAC IP IAC, the DM taken out of band, then ABOR
  EXPECT_EQ(lines_of(framer, "\xff\xf4\xff" "ABOR\r\n"), (std::vector<std::string>{"ABOR"}));
}

TEST(LineFramer, StripsNegotiationWithItsOptionByte) {
  LineFramer framer;  // IAC WILL ECHO, IAC DONT 'A' (the option byte is no data)
  EXPECT_EQ(lines_of(framer, "\xff\xfb\x01NO\xff\xfe" "AOP\r\n"), (std::vector<std::string>{"NOOP"}));
}

TEST(LineFramer, DoubledIacIsAByte) {
  LineFramer framer;
  EXPECT_EQ(lines_of(framer, "RETR a\xff\xff" "b\r\n"), (std::vector<std::string>{"RETR a\xff" "b"}));
}

TEST(LineFramer, TelnetSequenceSplitAcrossCalls) {
  LineFramer framer;
  EXPECT_TRUE(lines_of(framer, "NO\xff").empty());
  EXPECT_TRUE(lines_of(framer, "\xfb").empty());
  EXPECT_EQ(lines_of(framer, "\x01OP\n"), (std::vector<std::string>{"NOOP"}));
}

TEST(LineFramer, LineAtTheLimitPasses) {
  LineFramer framer(8);
  EXPECT_EQ(lines_of(framer, "12345678\r\n"), (std::vector<std::string>{"12345678"}));
  EXPECT_EQ(lines_of(framer, "12345678\n"), (std::vector<std::string>{"12345678"}));
}

TEST(LineFramer, LineOverTheLimitFails) {
  LineFramer framer(8);
  bool too_long = false;
  EXPECT_TRUE(lines_of(framer, "123456789\r\n", &too_long).empty());
  EXPECT_TRUE(too_long);
}

TEST(LineFramer, EndlessLineFailsWithoutWaitingForItsEnd) {
  LineFramer framer(kMaxCommandLine);
  std::string flood(kMaxCommandLine + 2, 'x');
  bool too_long = false;
  lines_of(framer, flood, &too_long);
  EXPECT_TRUE(too_long);
}

TEST(LineFramer, DefaultLimitIsFourKibibytes) {
  LineFramer framer;
  std::string line(kMaxCommandLine, 'x');
  EXPECT_EQ(lines_of(framer, line + "\r\n").size(), 1u);
  bool too_long = false;
  lines_of(framer, line + "x\r\n", &too_long);
  EXPECT_TRUE(too_long);
}

}  // namespace
}  // namespace muxd::ftp
