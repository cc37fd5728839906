// LineFramer: lines out of reads cut anywhere, no copy for whole lines,
// the bound, backpressure, and the partial line a session ends itself.
#include "core/line_framer.h"

#include <gtest/gtest.h>

#include <vector>

namespace muxd {
namespace {

struct Collector {
  std::vector<std::string> lines;
  std::vector<bool> copied;  // the view did not point into the read
  LineFramer::Fed feed(LineFramer& framer, std::string_view data, size_t max_lines = SIZE_MAX) {
    return framer.feed(
        data, [&] { return lines.size() < max_lines; },
        [&](std::string_view line) {
          lines.emplace_back(line);
          copied.push_back(line.data() < data.data() || line.data() >= data.data() + data.size());
        });
  }
};

TEST(LineFramer, WholeLinesAreViewsOfTheRead) {
  LineFramer framer(100);
  Collector got;
  LineFramer::Fed fed = got.feed(framer, "one\ntwo\r\nthree");
  EXPECT_EQ(fed.used, 14u);
  EXPECT_FALSE(fed.too_long);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"one\n", "two\r\n"}));
  EXPECT_EQ(got.copied, (std::vector<bool>{false, false}));
  EXPECT_TRUE(framer.has_partial());
  EXPECT_EQ(framer.take_partial(), "three");
  EXPECT_FALSE(framer.has_partial());
}

TEST(LineFramer, ALineAcrossReadsIsGathered) {
  LineFramer framer(100);
  Collector got;
  for (std::string_view read : {"he", "ll", "o\r", "\nnext\n"}) EXPECT_EQ(got.feed(framer, read).used, read.size());
  EXPECT_EQ(got.lines, (std::vector<std::string>{"hello\r\n", "next\n"}));
  EXPECT_EQ(got.copied, (std::vector<bool>{true, false}));
  EXPECT_FALSE(framer.has_partial());
  EXPECT_EQ(framer.take_partial(), "");
}

TEST(LineFramer, EveryCutGivesTheSameLines) {
  const std::string stream = "a\nbb\r\n\nccc\nd";
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    LineFramer framer(10);
    Collector got;
    got.feed(framer, std::string_view(stream).substr(0, cut));
    got.feed(framer, std::string_view(stream).substr(cut));
    EXPECT_EQ(got.lines, (std::vector<std::string>{"a\n", "bb\r\n", "\n", "ccc\n"})) << cut;
    EXPECT_EQ(framer.take_partial(), "d") << cut;
  }
}

TEST(LineFramer, TheBoundCountsTheNewline) {
  LineFramer framer(4);
  Collector got;
  LineFramer::Fed fed = got.feed(framer, "abc\n");  // 4 bytes: allowed
  EXPECT_FALSE(fed.too_long);
  fed = got.feed(framer, "abcd\n");
  EXPECT_TRUE(fed.too_long);
  EXPECT_EQ(got.lines, (std::vector<std::string>{"abc\n"}));
}

TEST(LineFramer, ALongLineIsRefusedBeforeItsEndAndDropped) {
  LineFramer framer(4);
  Collector got;
  EXPECT_FALSE(got.feed(framer, "ab").too_long);
  EXPECT_FALSE(got.feed(framer, "cd").too_long);  // 4 bytes: a pause could still end it
  LineFramer::Fed fed = got.feed(framer, "e");     // the fifth byte, before any '\n'
  EXPECT_TRUE(fed.too_long);
  EXPECT_FALSE(framer.has_partial());
  EXPECT_TRUE(got.lines.empty());
}

TEST(LineFramer, GoOnIsAskedBeforeEachPiece) {
  LineFramer framer(100);
  Collector got;
  LineFramer::Fed fed = got.feed(framer, "1\n2\n3\n", 2);
  EXPECT_EQ(fed.used, 4u);  // "3\n" stays with the caller
  EXPECT_EQ(got.lines, (std::vector<std::string>{"1\n", "2\n"}));
  fed = got.feed(framer, "1\n2\nrest", 2);
  EXPECT_EQ(fed.used, 0u);
  EXPECT_FALSE(framer.has_partial());
}

TEST(LineFramer, NothingIn) {
  LineFramer framer(100);
  Collector got;
  EXPECT_EQ(got.feed(framer, "").used, 0u);
  EXPECT_EQ(got.feed(framer, std::string_view{}).used, 0u);
  EXPECT_TRUE(got.lines.empty());
}

}  // namespace
}  // namespace muxd
