// What the chat client does with typed lines, and how it shows incoming ones.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "chat/presentation.h"
#include "chat/typed_line.h"

namespace muxd::chat {
namespace {

using Kind = TypedLine::Kind;

TEST(TypedLine, PlainLinesAreMessagesAndExitLeaves) {
  EXPECT_EQ(interpret_typed_line("").kind, Kind::empty);
  EXPECT_EQ(interpret_typed_line("hello /who").kind, Kind::message);
  EXPECT_EQ(interpret_typed_line("hello /who").text, "hello /who");
  EXPECT_EQ(interpret_typed_line("exit").kind, Kind::leave);  // the course's word
  EXPECT_EQ(interpret_typed_line("exit now").kind, Kind::message);
}

TEST(TypedLine, Commands) {
  EXPECT_EQ(interpret_typed_line("/who").kind, Kind::who);
  EXPECT_EQ(interpret_typed_line("/who  ").kind, Kind::who);
  EXPECT_EQ(interpret_typed_line("/help").kind, Kind::help);
  EXPECT_EQ(interpret_typed_line("/?").kind, Kind::help);
  EXPECT_EQ(interpret_typed_line("/quit").kind, Kind::leave);
  EXPECT_EQ(interpret_typed_line("/exit").kind, Kind::leave);
  const TypedLine action = interpret_typed_line("/me waves at  everyone");
  EXPECT_EQ(action.kind, Kind::action);
  EXPECT_EQ(action.text, "waves at  everyone");
}

TEST(TypedLine, DoubleSlashSendsASlashAndUnknownCommandsStayLocal) {
  const TypedLine escaped = interpret_typed_line("//who");
  EXPECT_EQ(escaped.kind, Kind::message);
  EXPECT_EQ(escaped.text, "/who");
  EXPECT_EQ(interpret_typed_line("//").text, "/");
  const TypedLine unknown = interpret_typed_line("/nick Bobby");
  EXPECT_EQ(unknown.kind, Kind::unknown);
  EXPECT_EQ(unknown.text, "/nick");
  EXPECT_EQ(interpret_typed_line("/me").kind, Kind::unknown);  // an action needs words
  EXPECT_EQ(interpret_typed_line("/me   ").kind, Kind::unknown);
  EXPECT_EQ(interpret_typed_line("/WHO").kind, Kind::unknown);  // commands are lower case
  EXPECT_EQ(interpret_typed_line("/").kind, Kind::unknown);
}

TEST(Colour, OnlyOnATerminalWithoutNoColor) {
  EXPECT_TRUE(colour_wanted(true, nullptr, "xterm-256color"));
  EXPECT_TRUE(colour_wanted(true, "", "xterm"));  // no-color.org: set *and* not empty
  EXPECT_TRUE(colour_wanted(true, nullptr, nullptr));
  EXPECT_FALSE(colour_wanted(true, "1", "xterm"));
  EXPECT_FALSE(colour_wanted(true, "0", "xterm"));  // any value counts
  EXPECT_FALSE(colour_wanted(false, nullptr, "xterm"));
  EXPECT_FALSE(colour_wanted(true, nullptr, "dumb"));
}

TEST(Colour, OnePerNameStableAndIgnoringAsciiCase) {
  EXPECT_EQ(name_colour("Lucy"), name_colour("lucy"));
  EXPECT_EQ(name_colour("Bob"), name_colour("Bob"));
  std::set<int> seen;
  for (std::string_view name : {"Lucy", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "中文"}) {
    const int colour = name_colour(name);
    EXPECT_TRUE((colour >= 31 && colour <= 36) || (colour >= 91 && colour <= 96)) << colour;
    seen.insert(colour);
  }
  EXPECT_GE(seen.size(), 4u);  // names are spread over the palette
}

TEST(Presentation, TimestampsColoursAndActions) {
  const Presentation plain{false, true};
  EXPECT_EQ(present_line("Bob : hi", plain, "14:05"), "14:05 Bob : hi");
  EXPECT_EQ(present_line("Bob : /me waves", plain, "14:05"), "14:05 * Bob waves");
  EXPECT_EQ(present_line("Bob : //me waves", plain, "14:05"), "14:05 Bob : //me waves");
  EXPECT_EQ(present_line("Bob : a : b", Presentation{false, false}, ""), "Bob : a : b");
  const Presentation colour{true, true};
  const std::string bob = "\x1b[" + std::to_string(name_colour("Bob")) + "mBob\x1b[0m";
  EXPECT_EQ(present_line("Bob : hi", colour, "09:00"), "09:00 " + bob + " : hi");
  EXPECT_EQ(present_line("Bob : /me waves", colour, "09:00"), "09:00 * " + bob + " waves");
  EXPECT_EQ(present_line("Bob joined the room", colour, "09:00"), "09:00 " + bob + " joined the room");
  EXPECT_EQ(present_line("Bob left the room (timed out)", colour, "09:00"),
            "09:00 " + bob + " left the room (timed out)");
  EXPECT_EQ(present_line("something else entirely", colour, "09:00"), "09:00 something else entirely");
}

TEST(Presentation, ClockIsHoursAndMinutes) {
  const std::string text = clock_text(0);
  ASSERT_EQ(text.size(), 5u);
  EXPECT_EQ(text[2], ':');
}

}  // namespace
}  // namespace muxd::chat
