// echo::Session without sockets: bytes in, OutputQueue::contents() out, and
// what the session asks of its driver.
#include "echo/session.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace muxd::echo {
namespace {

using Close = SessionWants::Close;

constexpr time_t kNow = 1764496987;  // Sun Nov 30 10:03:07 2025 UTC
const std::string kStamp = "[Sun Nov 30 10:03:07 2025]: ";

class UtcEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
};
const auto* const kUtc = ::testing::AddGlobalTestEnvironment(new UtcEnvironment);

TEST(CtimePrefix, IsPythonsCtimeInBracketsWithColonAndSpace) {
  EXPECT_EQ(ctime_prefix(0), "[Thu Jan  1 00:00:00 1970]: ");  // the day is space-padded, as asctime does
  EXPECT_EQ(ctime_prefix(kNow), kStamp);
  EXPECT_EQ(ctime_prefix(951782400), "[Tue Feb 29 00:00:00 2000]: ");
  EXPECT_EQ(ctime_prefix(1704067199), "[Sun Dec 31 23:59:59 2023]: ");
}

TEST(CtimePrefix, FollowsTheLocalTimeZone) {
  ::setenv("TZ", "Asia/Shanghai", 1);
  ::tzset();
  std::string shanghai = ctime_prefix(kNow);
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  if (shanghai == kStamp) GTEST_SKIP() << "no zoneinfo for Asia/Shanghai";
  EXPECT_EQ(shanghai, "[Sun Nov 30 18:03:07 2025]: ");
}

TEST(Timestamps, FormatsOncePerSecond) {
  time_t now = kNow;
  Timestamps timestamps([&now] { return now; });
  const std::string* first = &timestamps.prefix();
  EXPECT_EQ(*first, kStamp);
  EXPECT_EQ(&timestamps.prefix(), first);
  now += 1;
  EXPECT_EQ(timestamps.prefix(), "[Sun Nov 30 10:03:08 2025]: ");
}

class EchoSession : public ::testing::Test {
 protected:
  // Offers `data` as a driver does, returning how many bytes were used.
  size_t feed(std::string_view data) { return session.on_data(data, out); }
  SessionWants wants() { return session.wants(out); }
  std::string sent() {
    std::string bytes = out.contents();
    out.clear();  // the socket took it
    return bytes;
  }

  Timestamps timestamps{[] { return kNow; }};
  Session session{64, timestamps};
  OutputQueue out;
};

TEST_F(EchoSession, ALineComesBackStampedWithItsNewline) {
  EXPECT_EQ(feed("hello\n"), 6u);
  EXPECT_EQ(sent(), kStamp + "hello\n");
  EXPECT_EQ(feed("crlf too\r\n"), 10u);
  EXPECT_EQ(sent(), kStamp + "crlf too\r\n");
  EXPECT_EQ(feed("\n"), 1u);  // an empty line is a message too
  EXPECT_EQ(sent(), kStamp + "\n");
}

TEST_F(EchoSession, SeveralLinesInOneReadAreAnsweredInOrder) {
  EXPECT_EQ(feed("one\ntwo\nthree\n"), 14u);
  EXPECT_EQ(sent(), kStamp + "one\n" + kStamp + "two\n" + kStamp + "three\n");
}

TEST_F(EchoSession, BytesPassThroughUntouched) {
  static const char kOdd[] = "gbk \xc4\xe3\xba\xc3, utf-8 \xe4\xbd\xa0, nul \0, del \x7f, bad \xff, cr \r\n";
  std::string odd(kOdd, sizeof kOdd - 1);
  EXPECT_EQ(feed(odd), odd.size());
  EXPECT_EQ(sent(), kStamp + odd);
}

TEST_F(EchoSession, ALineSplitAcrossReadsIsOneMessage) {
  EXPECT_EQ(feed("hel"), 3u);
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(feed("lo\nwor"), 6u);
  EXPECT_EQ(sent(), kStamp + "hello\n");
  EXPECT_EQ(feed("ld\n"), 3u);
  EXPECT_EQ(sent(), kStamp + "world\n");
}

TEST_F(EchoSession, APauseEndsAMessageWithoutANewline) {
  feed("hello");  // what the course's client sends, then it waits for the answer
  SessionWants w = wants();
  EXPECT_EQ(w.timeout, kPauseTimeout);
  EXPECT_TRUE(w.restart_timeout);  // silence counts from the latest byte
  EXPECT_TRUE(w.read);
  EXPECT_FALSE(w.idle);
  feed(" there");
  EXPECT_TRUE(wants().restart_timeout);
  EXPECT_EQ(sent(), "");

  session.on_timeout(out);
  EXPECT_EQ(sent(), kStamp + "hello there");  // no newline added: the course's server adds none
  w = wants();
  EXPECT_EQ(w.close, Close::no);
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.idle);
}

TEST_F(EchoSession, IdleTimeoutClosesAtOnce) {
  SessionWants w = wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.idle);
  session.on_timeout(out);
  EXPECT_EQ(wants().close, Close::now);
  EXPECT_EQ(sent(), "");
}

TEST_F(EchoSession, TheTimeoutRestartsOnlyWhenSomethingHappened) {
  feed("a\n");
  EXPECT_TRUE(wants().restart_timeout);
  EXPECT_FALSE(wants().restart_timeout);
  sent();
  EXPECT_FALSE(wants().restart_timeout);
}

TEST_F(EchoSession, AReplyTheClientIsSlowToReadKeepsTheIdleTimerMoving) {
  feed("a\n");  // the socket has not taken it yet
  SessionWants w = wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.restart_on_progress);
  EXPECT_FALSE(w.idle);
  sent();
  EXPECT_FALSE(wants().restart_on_progress);
}

TEST_F(EchoSession, AMessageOfTheLimitIsAnswered) {
  std::string line(63, 'x');
  line += '\n';  // 64 bytes, the limit, newline included
  EXPECT_EQ(feed(line), 64u);
  EXPECT_EQ(sent(), kStamp + line);
  EXPECT_EQ(feed(std::string(64, 'y')), 64u);  // ended by a pause
  session.on_timeout(out);
  EXPECT_EQ(sent(), kStamp + std::string(64, 'y'));
}

TEST_F(EchoSession, ALongerMessageClosesAfterTheRepliesBeforeIt) {
  std::string data = "first\n" + std::string(64, 'x') + "\nnever\n";
  EXPECT_EQ(feed(data), data.size());  // the rest is discarded
  EXPECT_EQ(sent(), kStamp + "first\n");
  SessionWants w = wants();
  EXPECT_EQ(w.close, Close::after_output_lingering);  // the client may still be sending
  EXPECT_EQ(w.timeout, kIdleTimeout);                 // which bounds the lingering
  EXPECT_EQ(feed("more\n"), 0u);
  EXPECT_EQ(sent(), "");
}

TEST_F(EchoSession, ALongMessageArrivingInPiecesIsCaughtAtTheLimit) {
  EXPECT_EQ(feed(std::string(40, 'x')), 40u);
  EXPECT_EQ(wants().close, Close::no);
  EXPECT_EQ(feed(std::string(25, 'x')), 25u);  // 65 bytes and no end yet
  EXPECT_EQ(wants().close, Close::after_output_lingering);
  EXPECT_EQ(sent(), "");
}

TEST_F(EchoSession, PeerCloseEndsTheMessageThenCloses) {
  feed("last words");
  session.on_peer_closed(out);
  EXPECT_EQ(sent(), kStamp + "last words");
  SessionWants w = wants();
  EXPECT_EQ(w.close, Close::after_output);
  EXPECT_EQ(w.timeout, kIdleTimeout);
}

TEST_F(EchoSession, PeerCloseWithNothingPendingJustCloses) {
  feed("done\n");
  sent();
  session.on_peer_closed(out);
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(wants().close, Close::after_output);
}

TEST_F(EchoSession, StopAnswersWhatCameThenCloses) {
  feed("half a mess");
  session.on_stop(out);
  EXPECT_EQ(sent(), kStamp + "half a mess");
  EXPECT_EQ(wants().close, Close::after_output);
  EXPECT_EQ(feed("more\n"), 0u);  // nothing new is answered
}

TEST_F(EchoSession, StopWhileIdleCloses) {
  session.on_stop(out);
  EXPECT_EQ(sent(), "");
  EXPECT_EQ(wants().close, Close::after_output);
}

TEST_F(EchoSession, RepliesStopAtTheOutputBudgetUntilTheClientReads) {
  std::string lines;
  while (lines.size() < 3 * kMaxQueuedOutput) lines += "ping\n";
  size_t used = feed(lines);
  EXPECT_LT(used, lines.size());
  EXPECT_EQ(used % 5, 0u);  // whole messages only
  EXPECT_GE(out.pending_bytes(), kMaxQueuedOutput);
  EXPECT_LT(out.pending_bytes(), kMaxQueuedOutput + kStamp.size() + 5);
  EXPECT_FALSE(wants().read);  // hold the input while the replies wait

  size_t total = used;
  std::string replies = sent();
  while (total < lines.size()) {
    EXPECT_TRUE(wants().read);
    size_t more = feed(std::string_view(lines).substr(total));
    ASSERT_GT(more, 0u);
    total += more;
    replies += sent();
  }
  std::string expected;
  for (size_t i = 0; i < lines.size() / 5; ++i) expected += kStamp + "ping\n";
  EXPECT_EQ(replies, expected);
}

TEST_F(EchoSession, APauseEndsAMessageEvenWhileAReplyWaits) {
  EXPECT_EQ(feed("a\nb"), 3u);  // the socket has not taken the reply to "a\n" yet
  SessionWants w = wants();
  EXPECT_EQ(w.timeout, kPauseTimeout);
  EXPECT_FALSE(w.restart_on_progress);  // the pause counts the client's silence only
  EXPECT_TRUE(w.read);
  session.on_timeout(out);
  EXPECT_EQ(sent(), kStamp + "a\n" + kStamp + "b");
}

}  // namespace
}  // namespace muxd::echo
