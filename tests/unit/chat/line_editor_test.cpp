#include "chat/line_editor.h"

#include <gtest/gtest.h>

#include <string>

#include "chat/line_splitter.h"
#include "chat/text.h"

namespace muxd::chat {
namespace {

using Action = LineEditor::Action;

Action type(LineEditor& editor, std::string_view keys) {
  Action last = Action::none;
  for (char key : keys) last = editor.feed(key);
  return last;
}

TEST(LineEditor, CollectsTypedBytesUntilEnter) {
  LineEditor editor(100);
  EXPECT_EQ(type(editor, "hi 你好"), Action::changed);
  EXPECT_EQ(editor.line(), "hi 你好");
  EXPECT_EQ(editor.feed('\r'), Action::submit);
  EXPECT_EQ(editor.take_line(), "hi 你好");
  EXPECT_EQ(editor.line(), "");
  EXPECT_EQ(editor.feed('\n'), Action::submit);  // Enter as LF works too
}

TEST(LineEditor, BackspaceErasesWholeCharacters) {
  LineEditor editor(100);
  type(editor, "a你😀");
  EXPECT_EQ(editor.feed(0x7F), Action::changed);
  EXPECT_EQ(editor.line(), "a你");
  EXPECT_EQ(editor.feed(0x08), Action::changed);
  EXPECT_EQ(editor.line(), "a");
  editor.feed(0x7F);
  EXPECT_EQ(editor.feed(0x7F), Action::none);  // nothing left to erase
}

TEST(LineEditor, CtrlUClearsTheLine) {
  LineEditor editor(100);
  type(editor, "oops");
  EXPECT_EQ(editor.feed(0x15), Action::changed);
  EXPECT_EQ(editor.line(), "");
}

TEST(LineEditor, CtrlDEndsInputOnlyOnAnEmptyLine) {
  LineEditor editor(100);
  type(editor, "x");
  EXPECT_EQ(editor.feed(0x04), Action::none);
  editor.feed(0x7F);
  EXPECT_EQ(editor.feed(0x04), Action::end_of_input);
}

TEST(LineEditor, CtrlCInterrupts) {
  LineEditor editor(100);
  EXPECT_EQ(editor.feed(0x03), Action::interrupt);
}

TEST(LineEditor, EscapeSequencesAndOtherControlsAreIgnored) {
  LineEditor editor(100);
  type(editor, "a\x1b[A\x1b[1;5C\x1bOPb\x1b" "x" "c\t\x01");
  EXPECT_EQ(editor.line(), "abc");
}

TEST(LineEditor, RefusesBytesBeyondTheLimit) {
  LineEditor editor(3);
  EXPECT_EQ(type(editor, "abc"), Action::changed);
  EXPECT_EQ(editor.feed('d'), Action::refused);
  EXPECT_EQ(editor.line(), "abc");
}

TEST(LineEditor, RedrawClearsTheInputRowsAndDrawsPromptAndLine) {
  LineEditor editor(100);
  type(editor, "hello");
  EXPECT_EQ(editor.redraw("> ", 80), "\r\x1b[J> hello");
}

TEST(LineEditor, MessagesArePrintedAboveTheLineBeingTyped) {
  LineEditor editor(100);
  type(editor, "half typed");
  EXPECT_EQ(editor.print_above("Bob : hi", "> ", 80), "\r\x1b[JBob : hi\r\n\r\x1b[J> half typed");
  EXPECT_EQ(editor.line(), "half typed");
}

TEST(LineEditor, AWrappedLineIsClearedFromItsFirstRow) {
  LineEditor editor(100);
  type(editor, std::string(15, 'x'));
  editor.redraw("> ", 10);  // 17 columns on a 10-column terminal: 2 rows
  EXPECT_EQ(editor.erase(), "\r\x1b[1A\x1b[J");
  type(editor, "中中");  // 21 columns: 3 rows (wide characters count twice)
  editor.redraw("> ", 10);
  EXPECT_EQ(editor.erase(), "\r\x1b[2A\x1b[J");
}

TEST(LineEditor, AnExactlyFullRowDoesNotCountAsTwo) {
  LineEditor editor(100);
  type(editor, std::string(8, 'x'));
  editor.redraw("> ", 10);
  EXPECT_EQ(editor.erase(), "\r\x1b[J");
}

TEST(LineEditor, CommitLeavesTheLineAsHistory) {
  LineEditor editor(100);
  type(editor, "sent");
  editor.feed('\r');
  const std::string line = editor.take_line();
  EXPECT_EQ(editor.commit("> ", line, 80), "\r\x1b[J> sent\r\n\r\x1b[J> ");
}

TEST(DisplayWidth, CountsColumns) {
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("中文"), 4u);
  EXPECT_EQ(display_width("，。"), 4u);     // fullwidth punctuation
  EXPECT_EQ(display_width("e\u0301"), 1u);  // a combining accent takes no column
  EXPECT_EQ(display_width("😀"), 2u);
  EXPECT_EQ(display_width("a\xE4\xB8"), 1u);  // a character still being typed
  EXPECT_EQ(display_width("a\xFF"), 2u);      // an invalid byte shows as one U+FFFD
}

TEST(LineSplitter, SplitsLinesAndDropsCarriageReturns) {
  LineSplitter lines(100);
  lines.append("one\r\ntw");
  EXPECT_EQ(lines.next_line(), "one");
  EXPECT_EQ(lines.next_line(), std::nullopt);
  lines.append("o\n\n");
  EXPECT_EQ(lines.next_line(), "two");
  EXPECT_EQ(lines.next_line(), "");
  EXPECT_EQ(lines.rest(), std::nullopt);
  lines.append("tail");
  EXPECT_EQ(lines.rest(), "tail");
}

TEST(LineSplitter, CutsOverlongLinesIntoPieces) {
  LineSplitter lines(4);
  lines.append("abcdefghij\n");
  EXPECT_EQ(lines.next_line(), "abcd");
  EXPECT_EQ(lines.next_line(), "efgh");
  EXPECT_EQ(lines.next_line(), "ij");
  lines.append("abcd\n");
  EXPECT_EQ(lines.next_line(), "abcd");  // exactly the limit is one line
}

}  // namespace
}  // namespace muxd::chat
