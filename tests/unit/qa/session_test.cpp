// qa::Session without sockets: bytes in, OutputQueue::contents() out, and
// what the session asks of its driver.
#include "qa/session.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace muxd::qa {
namespace {

using Close = SessionWants::Close;

const std::string kDefault = "人家还小，不知道。";

class QaSession : public ::testing::Test {
 protected:
  // Offers `data` as a driver does, returning how many bytes were used.
  size_t feed(std::string_view data) { return session.on_data(data, out); }
  SessionWants wants() { return session.wants(out); }
  std::string sent() {
    std::string bytes = out.contents();
    out.clear();  // the socket took it
    return bytes;
  }

  Answers answers = Answers::course();
  Session session{answers, 64};
  OutputQueue out;
};

TEST_F(QaSession, TheCoursesClientAQuestionWithoutNewlineThenAPause) {
  EXPECT_EQ(feed("你叫什么"), 12u);  // one send, then it waits in recv(1024)
  SessionWants w = wants();
  EXPECT_EQ(w.timeout, kPauseTimeout);
  EXPECT_TRUE(w.restart_timeout);  // silence counts from the latest byte
  EXPECT_TRUE(w.read);
  EXPECT_FALSE(w.idle);
  EXPECT_EQ(sent(), "");
  session.on_timeout(out);
  EXPECT_EQ(sent(), "我叫小美");  // no newline: the course's server sends none
  w = wants();
  EXPECT_EQ(w.close, Close::no);
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.restart_timeout);
  EXPECT_TRUE(w.idle);
  session.on_peer_closed(out);  // then it closes
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(wants().close, Close::after_output);
}

TEST_F(QaSession, AQuestionArrivingInPiecesWaitsForThePauseAfterTheLastOne) {
  feed("你");
  EXPECT_TRUE(wants().restart_timeout);
  feed("几");
  EXPECT_TRUE(wants().restart_timeout);
  feed("\xe5\xb2");  // 岁 cut by a read
  feed("\x81");
  EXPECT_EQ(sent(), "");
  session.on_timeout(out);
  EXPECT_EQ(sent(), "我2岁啦");
}

TEST_F(QaSession, LineModeAnswersEachLineAtOnceWithItsLineEnd) {
  EXPECT_EQ(feed("你好\n"), 7u);
  EXPECT_EQ(sent(), "你好啊！\n");
  EXPECT_EQ(feed("你叫什么\r\n"), 14u);
  EXPECT_EQ(sent(), "我叫小美\r\n");
  EXPECT_EQ(feed("\n"), 1u);  // an empty question has an answer too: one per line
  EXPECT_EQ(sent(), kDefault + "\n");
  EXPECT_EQ(wants().timeout, kIdleTimeout);
}

TEST_F(QaSession, SeveralQuestionsInOneReadAreAnsweredInOrder) {
  std::string stuck = "你好\n男生女生?\n天气\n你几岁";  // the course's 粘包: four questions, one read
  EXPECT_EQ(feed(stuck), stuck.size());
  EXPECT_EQ(sent(), "你好啊！\n我是机器人啦\n" + kDefault + "\n");
  EXPECT_EQ(wants().timeout, kIdleTimeout);  // the last has no newline yet, and no pause ends it
  session.on_peer_closed(out);
  EXPECT_EQ(sent(), "我2岁啦");
}

TEST_F(QaSession, ALineSplitAcrossReadsIsOneQuestion) {
  EXPECT_EQ(feed("你"), 3u);
  EXPECT_EQ(feed("好\r"), 4u);
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(feed("\n叫"), 4u);
  EXPECT_EQ(sent(), "你好啊！\r\n");
  EXPECT_EQ(feed("什么\n"), 7u);
  EXPECT_EQ(sent(), "我叫小美\n");
}

TEST_F(QaSession, InvalidBytesGetAWholeAnswer) {
  std::string odd("\xff\x00\xc4\xe3\xba\xc3\xe4\n", 8);
  EXPECT_EQ(feed(odd), odd.size());
  EXPECT_EQ(sent(), kDefault + "\n");
  EXPECT_EQ(feed("\xfe你好\x80\n"), 9u);
  EXPECT_EQ(sent(), "你好啊！\n");
}

TEST_F(QaSession, HalfCloseEndsTheQuestionThenCloses) {
  feed("你好");
  session.on_peer_closed(out);
  EXPECT_EQ(sent(), "你好啊！");
  SessionWants w = wants();
  EXPECT_EQ(w.close, Close::after_output);
  EXPECT_EQ(w.timeout, kIdleTimeout);
}

TEST_F(QaSession, HalfCloseAfterLinesJustCloses) {
  feed("你好\n");
  EXPECT_EQ(sent(), "你好啊！\n");
  session.on_peer_closed(out);
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(wants().close, Close::after_output);
}

TEST_F(QaSession, IdleTimeoutClosesAtOnce) {
  SessionWants w = wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.idle);
  session.on_timeout(out);
  EXPECT_EQ(wants().close, Close::now);
  EXPECT_EQ(sent(), "");
}

TEST_F(QaSession, TheTimeoutRestartsOnlyWhenSomethingHappened) {
  feed("你好\n");
  EXPECT_TRUE(wants().restart_timeout);
  EXPECT_FALSE(wants().restart_timeout);
  sent();
  EXPECT_FALSE(wants().restart_timeout);
}

TEST_F(QaSession, AnAnswerTheClientIsSlowToReadKeepsTheIdleTimerMoving) {
  feed("你好\n");  // the socket has not taken it yet
  SessionWants w = wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.restart_on_progress);
  EXPECT_FALSE(w.idle);
  sent();
  EXPECT_FALSE(wants().restart_on_progress);
}

TEST_F(QaSession, AQuestionOfTheLimitIsAnswered) {
  std::string line = std::string(63 - 6, 'x') + "你好\n";  // 64 bytes, the limit, newline included
  EXPECT_EQ(feed(line), 64u);
  EXPECT_EQ(sent(), "你好啊！\n");
  std::string crlf = std::string(62 - 6, 'x') + "你好\r\n";
  EXPECT_EQ(feed(crlf), 64u);
  EXPECT_EQ(sent(), "你好啊！\r\n");
  EXPECT_EQ(feed(std::string(64, 'y')), 64u);  // ended by the half-close
  EXPECT_EQ(wants().close, Close::no);
  session.on_peer_closed(out);
  EXPECT_EQ(sent(), kDefault);
}

TEST_F(QaSession, AQuestionOfTheLimitEndedByThePause) {
  EXPECT_EQ(feed(std::string(64, 'y')), 64u);
  EXPECT_EQ(wants().close, Close::no);
  session.on_timeout(out);
  EXPECT_EQ(sent(), kDefault);
}

TEST_F(QaSession, ALongerQuestionClosesAfterTheAnswersBeforeIt) {
  std::string data = "你好\n" + std::string(64, 'x') + "\n你好\n";
  EXPECT_EQ(feed(data), data.size());  // the rest is discarded
  EXPECT_EQ(sent(), "你好啊！\n");
  SessionWants w = wants();
  EXPECT_EQ(w.close, Close::after_output_lingering);  // the client may still be sending
  EXPECT_EQ(w.timeout, kIdleTimeout);                 // which bounds the lingering
  EXPECT_EQ(feed("你好\n"), 0u);
  EXPECT_EQ(sent(), "");
}

TEST_F(QaSession, ALongQuestionArrivingInPiecesIsCaughtAtTheLimit) {
  EXPECT_EQ(feed(std::string(40, 'x')), 40u);
  EXPECT_EQ(wants().close, Close::no);
  EXPECT_EQ(feed(std::string(24, 'x')), 24u);  // 64: still a question
  EXPECT_EQ(wants().close, Close::no);
  EXPECT_EQ(feed("\n"), 1u);  // 65 with its newline
  EXPECT_EQ(wants().close, Close::after_output_lingering);
  EXPECT_EQ(sent(), "");
}

TEST_F(QaSession, StopAnswersWhatCameThenCloses) {
  feed("你几");
  session.on_stop(out);
  EXPECT_EQ(sent(), kDefault);  // 你几 is not 你几岁
  EXPECT_EQ(wants().close, Close::after_output);
  EXPECT_EQ(feed("你好\n"), 0u);  // nothing new is answered
}

TEST_F(QaSession, StopWhileIdleCloses) {
  session.on_stop(out);
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(wants().close, Close::after_output);
}

TEST_F(QaSession, AnswersStopAtTheOutputBudgetUntilTheClientReads) {
  std::string lines;
  while (lines.size() < 3 * kMaxQueuedOutput) lines += "hi\n";  // 3 bytes in, 28 out
  size_t used = feed(lines);
  EXPECT_LT(used, lines.size());
  EXPECT_EQ(used % 3, 0u);  // whole questions only
  EXPECT_GE(out.pending_bytes(), kMaxQueuedOutput);
  EXPECT_LT(out.pending_bytes(), kMaxQueuedOutput + kDefault.size() + 1);
  EXPECT_FALSE(wants().read);  // hold the input while the answers wait

  size_t total = used;
  std::string answers_sent = sent();
  while (total < lines.size()) {
    EXPECT_TRUE(wants().read);
    size_t more = feed(std::string_view(lines).substr(total));
    ASSERT_GT(more, 0u);
    total += more;
    answers_sent += sent();
  }
  std::string expected;
  for (size_t i = 0; i < lines.size() / 3; ++i) expected += kDefault + "\n";
  EXPECT_EQ(answers_sent, expected);
}

TEST_F(QaSession, APauseEndsAQuestionEvenWhileAnAnswerWaits) {
  feed("你好");
  session.on_timeout(out);  // the socket has not taken this answer yet
  EXPECT_EQ(feed("你几岁"), 9u);
  SessionWants w = wants();
  EXPECT_EQ(w.timeout, kPauseTimeout);
  EXPECT_FALSE(w.restart_on_progress);  // the pause counts the client's silence only
  EXPECT_TRUE(w.read);
  session.on_timeout(out);
  EXPECT_EQ(sent(), "你好啊！我2岁啦");
}

TEST_F(QaSession, AfterANewlineThePauseNoLongerCutsALine) {
  feed("你好\n");
  EXPECT_EQ(sent(), "你好啊！\n");
  feed("男生");  // the rest of the line is late: a busy client, a lost segment
  SessionWants w = wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.restart_timeout);  // the idle timeout counts from the latest byte
  EXPECT_FALSE(w.idle);
  feed("女生\n");
  EXPECT_EQ(sent(), "我是机器人啦\n");
  feed("你几");
  session.on_timeout(out);  // the idle timeout: the client stopped in mid-line
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(wants().close, Close::now);
}

TEST_F(QaSession, AfterANewlineHalfCloseStillEndsAQuestion) {
  feed("你好\n你几岁");
  session.on_peer_closed(out);
  EXPECT_EQ(sent(), "你好啊！\n我2岁啦");
  EXPECT_EQ(wants().close, Close::after_output);
}

TEST(QaSessionLease, IsHeldUntilTheSessionEnds) {
  Answers answers = Answers::course();
  auto lease = std::make_shared<int>(1);
  std::weak_ptr<int> watch = lease;
  {
    Session session(answers, 64, std::move(lease));
    EXPECT_FALSE(watch.expired());
  }
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace muxd::qa
