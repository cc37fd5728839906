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

constexpr std::string_view kLeft = "\x1b[D", kRight = "\x1b[C", kUp = "\x1b[A", kDown = "\x1b[B";

TEST(LineEditorCursor, ArrowsMoveByWholeCharactersAndTypingInserts) {
  LineEditor editor(100);
  type(editor, "a中c");
  type(editor, kLeft);
  type(editor, kLeft);
  EXPECT_EQ(editor.cursor(), 1u);  // before 中, not inside it
  type(editor, "b");
  EXPECT_EQ(editor.line(), "ab中c");
  type(editor, kRight);
  EXPECT_EQ(editor.cursor(), 5u);  // after 中
  EXPECT_EQ(editor.feed(0x7F), Action::changed);  // Backspace before the cursor
  EXPECT_EQ(editor.line(), "abc");
}

TEST(LineEditorCursor, HomeEndAndCtrlAE) {
  LineEditor editor(100);
  type(editor, "middle");
  type(editor, "\x01");  // Ctrl-A
  EXPECT_EQ(editor.cursor(), 0u);
  type(editor, ">");
  type(editor, "\x05");  // Ctrl-E
  type(editor, "<");
  EXPECT_EQ(editor.line(), ">middle<");
  for (std::string_view home : {"\x1b[H", "\x1bOH", "\x1b[1~", "\x1b[7~"}) {
    type(editor, "\x05");
    type(editor, home);
    EXPECT_EQ(editor.cursor(), 0u) << home.substr(1);
  }
  for (std::string_view end : {"\x1b[F", "\x1bOF", "\x1b[4~", "\x1b[8~"}) {
    type(editor, "\x01");
    type(editor, end);
    EXPECT_EQ(editor.cursor(), editor.line().size()) << end.substr(1);
  }
  EXPECT_EQ(type(editor, kRight), Action::none);  // already at the end
}

TEST(LineEditorCursor, DeleteAndCtrlDEraseUnderTheCursor) {
  LineEditor editor(100);
  type(editor, "ab中");
  type(editor, "\x01");
  EXPECT_EQ(type(editor, "\x1b[3~"), Action::changed);
  EXPECT_EQ(editor.line(), "b中");
  type(editor, kRight);
  EXPECT_EQ(editor.feed(0x04), Action::changed);  // Ctrl-D on a non-empty line: delete
  EXPECT_EQ(editor.line(), "b");
}

TEST(LineEditorCursor, CtrlWErasesTheWordBeforeTheCursor) {
  LineEditor editor(100);
  type(editor, "one two  three");
  type(editor, "\x17");
  EXPECT_EQ(editor.line(), "one two  ");
  type(editor, "\x17");
  EXPECT_EQ(editor.line(), "one ");
  type(editor, "x");
  type(editor, "\x01");
  EXPECT_EQ(editor.feed(0x17), Action::none);  // nothing before the cursor
  type(editor, "\x05\x1b[D");  // before the x
  type(editor, "\x17");
  EXPECT_EQ(editor.line(), "x");
  type(editor, "\x0b");  // Ctrl-K: to the end
  EXPECT_EQ(editor.line(), "");
}

TEST(LineEditorCursor, RedrawPutsTheCursorBackInTheLine) {
  LineEditor editor(100);
  type(editor, "hello");
  type(editor, kLeft);
  type(editor, kLeft);
  EXPECT_EQ(editor.redraw("> ", 80), "\r\x1b[J> hello\r\x1b[5C");
  // Wrapped: "> " + 15 x on 10 columns; the cursor at x #3 is on row 0, column 5.
  LineEditor wrapped(100);
  type(wrapped, std::string(15, 'x'));
  type(wrapped, "\x01\x1b[C\x1b[C\x1b[C");
  EXPECT_EQ(wrapped.redraw("> ", 10), "\r\x1b[J> xxxxxxxxxxxxxxx\r\x1b[1A\x1b[5C");
  EXPECT_EQ(wrapped.erase(), "\r\x1b[J");  // the cursor is on the first row now
}

TEST(LineEditorHistory, UpAndDownWalkSubmittedLinesAndKeepTheDraft) {
  LineEditor editor(100);
  for (std::string_view line : {"first", "second", "second", ""}) {
    type(editor, line);
    editor.feed('\r');
    editor.take_line();
  }
  type(editor, "draft");
  EXPECT_EQ(type(editor, kUp), Action::changed);
  EXPECT_EQ(editor.line(), "second");  // a repeated line is kept once
  EXPECT_EQ(editor.cursor(), 6u);
  type(editor, kUp);
  EXPECT_EQ(editor.line(), "first");
  EXPECT_EQ(type(editor, kUp), Action::none);  // the oldest
  type(editor, kDown);
  EXPECT_EQ(editor.line(), "second");
  type(editor, kDown);
  EXPECT_EQ(editor.line(), "draft");
  EXPECT_EQ(type(editor, kDown), Action::none);
  type(editor, "\x1bOA");  // the SS3 form (application cursor keys)
  type(editor, " again");
  editor.feed('\r');
  EXPECT_EQ(editor.take_line(), "second again");
  type(editor, kUp);
  EXPECT_EQ(editor.line(), "second again");
}

TEST(LineEditorHistory, KeepsTheNewestLines) {
  LineEditor editor(100);
  for (size_t i = 0; i < LineEditor::kHistoryLines + 5; ++i) {
    type(editor, std::to_string(i));
    editor.take_line();
  }
  for (size_t i = 0; i < LineEditor::kHistoryLines + 5; ++i) type(editor, kUp);
  EXPECT_EQ(editor.line(), "5");
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
