#include "chat/room.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "chat/text.h"

namespace muxd::chat {
namespace {

using std::chrono::milliseconds;
using Lines = std::vector<std::string>;

SocketAddress address(std::string_view text) { return *SocketAddress::parse(text); }

const SocketAddress lucy = address("127.0.0.1:5001");
const SocketAddress bob = address("127.0.0.1:5002");
const SocketAddress carol = address("[::1]:5003");
const SocketAddress stranger = address("127.0.0.1:6666");

// What `who` received from `out`, in order.
Lines received(const Outbox& out, const SocketAddress& who) {
  Lines lines;
  for (const Outgoing& datagram : out.datagrams)
    if (std::find(datagram.destinations.begin(), datagram.destinations.end(), who) !=
        datagram.destinations.end())
      lines.push_back(datagram.payload);
  return lines;
}

bool logged(const Outbox& out, std::string_view fragment) {
  return std::any_of(out.log.begin(), out.log.end(),
                     [&](const LogEntry& entry) { return entry.text.find(fragment) != std::string::npos; });
}

class RoomTest : public ::testing::Test {
 protected:
  RoomTest() { reset({}); }

  void reset(const RoomLimits& limits) { room_.emplace(limits, now_); }

  Outbox send(const SocketAddress& from, std::string_view datagram) {
    Outbox out;
    room_->receive(datagram, from, now_, out);
    return out;
  }

  void enter(const SocketAddress& who, std::string_view name) {
    ASSERT_EQ(received(send(who, login_request(name)), who), Lines{"OK"});
  }

  void enter_three() {
    enter(lucy, "Lucy");
    enter(bob, "Bob");
    enter(carol, "Carol");
  }

  void advance(milliseconds delay) { now_ += delay; }

  Clock::time_point now_ = Clock::time_point() + std::chrono::hours(24);
  std::optional<Room> room_;
};

TEST_F(RoomTest, LoginAnswersOkBeforeTellingEveryoneElse) {
  enter(lucy, "Lucy");
  const Outbox out = send(bob, "LOGIN Bob");
  ASSERT_EQ(out.datagrams.size(), 2u);
  EXPECT_EQ(out.datagrams[0].payload, "OK");
  EXPECT_EQ(out.datagrams[0].destinations, std::vector<SocketAddress>{bob});
  EXPECT_EQ(received(out, lucy), Lines{"Bob joined the room"});
  EXPECT_EQ(received(out, bob), Lines{"OK"});  // never its own arrival
  EXPECT_EQ(room_->member_count(), 2u);
  EXPECT_TRUE(logged(out, "Bob joined from 127.0.0.1:5002"));
}

TEST_F(RoomTest, NamesAreUniqueIgnoringAsciiCase) {
  enter(lucy, "Lucy");
  EXPECT_EQ(received(send(bob, "LOGIN Lucy"), bob), Lines{"FAIL name taken"});
  EXPECT_EQ(received(send(bob, "LOGIN LUCY"), bob), Lines{"FAIL name taken"});
  EXPECT_EQ(room_->member_count(), 1u);
}

TEST_F(RoomTest, BadNamesFailWithTheReason) {
  EXPECT_EQ(received(send(bob, "LOGIN "), bob), Lines{"FAIL name is empty"});
  EXPECT_EQ(received(send(bob, "LOGIN"), bob), Lines{"FAIL name is empty"});
  EXPECT_EQ(received(send(bob, "LOGIN two words"), bob),
            Lines{"FAIL name contains a space or control character"});
  EXPECT_EQ(received(send(bob, "LOGIN " + std::string(33, 'x')), bob),
            Lines{"FAIL name is longer than 32 bytes"});
  EXPECT_EQ(received(send(bob, "LOGIN \xC3"), bob), Lines{"FAIL name is not valid UTF-8"});
  EXPECT_EQ(received(send(bob, "LOGIN admin"), bob), Lines{"FAIL name is reserved"});
  EXPECT_EQ(received(send(bob, "LOGIN 管理员消息"), bob), Lines{"FAIL name is reserved"});
  EXPECT_EQ(room_->member_count(), 0u);
}

TEST_F(RoomTest, ARepeatedLoginIsAnsweredAgainWithoutNews) {
  enter_three();
  const Outbox out = send(bob, "LOGIN Bob");  // our OK was lost; Bob asks again
  EXPECT_EQ(received(out, bob), Lines{"OK"});
  EXPECT_TRUE(received(out, lucy).empty());
  EXPECT_EQ(room_->member_count(), 3u);
}

TEST_F(RoomTest, LoginUnderANewNameFromAMemberAddressEndsTheOldSession) {
  enter_three();
  const Outbox out = send(bob, "LOGIN Robert");
  EXPECT_EQ(received(out, lucy), (Lines{"Bob left the room", "Robert joined the room"}));
  EXPECT_EQ(received(out, bob), Lines{"OK"});
  EXPECT_EQ(room_->name_at(bob), "Robert");
  EXPECT_EQ(room_->member_count(), 3u);
}

TEST_F(RoomTest, ARefusedLoginLeavesTheOldSessionInPlace) {
  enter_three();
  EXPECT_EQ(received(send(bob, "LOGIN Lucy"), bob), Lines{"FAIL name taken"});
  EXPECT_EQ(received(send(bob, "LOGIN"), bob), Lines{"FAIL name is empty"});
  EXPECT_EQ(room_->name_at(bob), "Bob");
  EXPECT_EQ(room_->member_count(), 3u);
}

TEST_F(RoomTest, AMemberMayChangeTheCaseOfItsName) {
  enter_three();
  const Outbox out = send(bob, "LOGIN BOB");
  EXPECT_EQ(received(out, bob), Lines{"OK"});
  EXPECT_EQ(received(out, lucy), (Lines{"Bob left the room", "BOB joined the room"}));
}

TEST_F(RoomTest, AFullRoomStillLetsAMemberLogInAgainUnderANewName) {
  RoomLimits limits;
  limits.max_members = 3;
  reset(limits);
  enter_three();
  EXPECT_EQ(received(send(bob, "LOGIN Robert"), bob), Lines{"OK"});
  EXPECT_EQ(room_->member_count(), 3u);
}

TEST_F(RoomTest, MemberLimit) {
  RoomLimits limits;
  limits.max_members = 2;
  reset(limits);
  enter(lucy, "Lucy");
  enter(bob, "Bob");
  EXPECT_EQ(received(send(carol, "LOGIN Carol"), carol), Lines{"FAIL room full"});
  send(bob, "EXIT Bob");
  enter(carol, "Carol");
}

TEST_F(RoomTest, LoginFloodIsRefusedOnceTheSharedBucketIsEmpty) {
  RoomLimits limits;
  limits.logins_per_second = 1;
  limits.login_burst = 2;
  reset(limits);
  EXPECT_EQ(received(send(lucy, "LOGIN bad name"), lucy).at(0).substr(0, 4), "FAIL");  // failures count too
  enter(bob, "Bob");
  const Outbox out = send(carol, "LOGIN Carol");
  EXPECT_EQ(received(out, carol), Lines{"FAIL server busy, try again"});
  EXPECT_TRUE(received(out, bob).empty());
  EXPECT_TRUE(logged(out, "too many logins"));
  advance(milliseconds(1000));
  enter(carol, "Carol");
}

TEST_F(RoomTest, OneAddressRetryingTooFastIsDroppedWithoutAnAnswer) {
  RoomLimits limits;
  limits.login_burst_per_address = 3;
  reset(limits);
  enter(lucy, "Lucy");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(received(send(stranger, "LOGIN Lucy"), stranger), Lines{"FAIL name taken"});
  const Outbox out = send(stranger, "LOGIN Lucy");
  EXPECT_TRUE(out.datagrams.empty());
  EXPECT_TRUE(logged(out, "LOGIN from 127.0.0.1:6666 dropped: too many attempts"));
  enter(bob, "Bob");  // others are not held back
  advance(milliseconds(1000));
  EXPECT_EQ(received(send(stranger, "LOGIN Stranger"), stranger), Lines{"OK"});
}

TEST_F(RoomTest, AMessageReachesEveryoneElse) {
  enter_three();
  const Outbox out = send(lucy, "CHAT Lucy 一起出去玩啊");
  EXPECT_EQ(received(out, bob), Lines{"Lucy : 一起出去玩啊"});
  EXPECT_EQ(received(out, carol), Lines{"Lucy : 一起出去玩啊"});
  EXPECT_TRUE(received(out, lucy).empty());
  ASSERT_EQ(out.datagrams.size(), 1u);  // one payload shared by the fan-out
}

TEST_F(RoomTest, AMemberCannotSpeakInAnotherMembersName) {
  enter_three();
  const Outbox out = send(bob, "CHAT Lucy I owe Bob money");
  EXPECT_TRUE(out.datagrams.empty());
  EXPECT_TRUE(logged(out, "dropped CHAT from 127.0.0.1:5002 (logged in as Bob) in the name of 'Lucy'"));
}

TEST_F(RoomTest, AStrangerCannotSpeak) {
  enter_three();
  const Outbox out = send(stranger, "CHAT Lucy hello");
  EXPECT_TRUE(out.datagrams.empty());
  EXPECT_TRUE(logged(out, "dropped CHAT from 127.0.0.1:6666 (not logged in) in the name of 'Lucy'"));
}

TEST_F(RoomTest, TheSameIpOnAnotherPortIsSomeoneElse) {
  enter_three();
  EXPECT_TRUE(send(address("127.0.0.1:5003"), "CHAT Carol hi").datagrams.empty());  // Carol is [::1]
  EXPECT_TRUE(send(address("127.0.0.1:5009"), "CHAT Lucy hi").datagrams.empty());
}

TEST_F(RoomTest, LeavingTellsEveryoneElseAndFreesTheName) {
  enter_three();
  const Outbox out = send(lucy, "EXIT Lucy");
  EXPECT_EQ(received(out, bob), Lines{"Lucy left the room"});
  EXPECT_EQ(received(out, carol), Lines{"Lucy left the room"});
  EXPECT_TRUE(received(out, lucy).empty());
  EXPECT_EQ(room_->member_count(), 2u);
  EXPECT_TRUE(send(lucy, "CHAT Lucy still here?").datagrams.empty());
  enter(stranger, "Lucy");
}

TEST_F(RoomTest, NobodyCanLeaveForSomeoneElse) {
  enter_three();
  Outbox out = send(bob, "EXIT Lucy");
  EXPECT_TRUE(out.datagrams.empty());
  EXPECT_TRUE(logged(out, "dropped EXIT from 127.0.0.1:5002 (logged in as Bob) in the name of 'Lucy'"));
  out = send(stranger, "EXIT Lucy");
  EXPECT_TRUE(out.datagrams.empty());
  EXPECT_TRUE(logged(out, "dropped EXIT from 127.0.0.1:6666 (not logged in)"));
  EXPECT_EQ(room_->member_count(), 3u);
}

TEST_F(RoomTest, AnnouncementsReachEveryone) {
  enter_three();
  Outbox out;
  room_->announce("大家好，欢迎进入聊天室。", out);
  for (const SocketAddress& who : {lucy, bob, carol})
    EXPECT_EQ(received(out, who), Lines{"admin : 大家好，欢迎进入聊天室。"});
}

TEST_F(RoomTest, AnnouncementsAreSanitisedAndEmptyOnesDropped) {
  enter_three();
  Outbox out;
  room_->announce("\x1b\x07\r\n", out);
  EXPECT_TRUE(out.datagrams.empty());
  room_->announce("hi\xFF", out);
  EXPECT_EQ(received(out, bob), Lines{"admin : hi\uFFFD"});
}

TEST_F(RoomTest, AnEmptyRoomSendsNothing) {
  Outbox out;
  room_->announce("anyone?", out);
  room_->close(out);
  EXPECT_TRUE(out.datagrams.empty());
}

TEST_F(RoomTest, TextIsSanitisedBeforeFanOut) {
  enter_three();
  // A newline would let Bob forge a second line that looks like Lucy talking.
  Outbox out = send(bob, "CHAT Bob hi\nLucy : I agree with Bob");
  EXPECT_EQ(received(out, lucy), Lines{"Bob : hiLucy : I agree with Bob"});
  out = send(bob, "CHAT Bob \x1b]0;pwned\x07\xFF\xFEok");
  EXPECT_EQ(received(out, lucy), Lines{"Bob : ]0;pwned\uFFFD\uFFFDok"});
}

TEST_F(RoomTest, EmptyMessagesAreNotFannedOut) {
  enter_three();
  EXPECT_TRUE(send(bob, "CHAT Bob ").datagrams.empty());
  EXPECT_TRUE(send(bob, "CHAT Bob \x01\x02").datagrams.empty());
}

TEST_F(RoomTest, LongMessagesAreCutTo1200BytesAtACharacterBoundary) {
  enter_three();
  std::string text;
  while (text.size() < kMaxRequestBytes - 20) text += "中";
  const Outbox out = send(bob, chat_request("Bob", text));
  const Lines lines = received(out, lucy);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_LE(lines[0].size(), kMaxOutgoingBytes);
  EXPECT_GT(lines[0].size(), kMaxOutgoingBytes - 3);
  EXPECT_EQ(sanitize_text(lines[0]), lines[0]);  // still valid UTF-8
}

TEST_F(RoomTest, InvalidUtf8GrowsButStillFitsTheCap) {
  enter_three();
  // Each stray byte becomes a 3-byte U+FFFD: 2,000 bytes would become 6,000.
  const Outbox out = send(bob, "CHAT Bob " + std::string(2000, '\xFF'));
  EXPECT_LE(received(out, lucy).at(0).size(), kMaxOutgoingBytes);
}

TEST_F(RoomTest, OversizedDatagramsAreRefusedWithANoticeToMembersOnly) {
  enter_three();
  const std::string huge = "CHAT Bob " + std::string(kMaxRequestBytes, 'x');
  Outbox out = send(bob, huge);
  EXPECT_EQ(received(out, bob), Lines{"admin : message refused: longer than 2048 bytes"});
  EXPECT_TRUE(received(out, lucy).empty());
  EXPECT_TRUE(logged(out, "datagram too long"));
  out = send(stranger, huge);
  EXPECT_TRUE(out.datagrams.empty());
}

TEST_F(RoomTest, FloodControlDropsWithOneNoticePerFlood) {
  RoomLimits limits;
  limits.messages_per_second = 2;
  limits.message_burst = 3;
  reset(limits);
  enter_three();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(received(send(bob, "CHAT Bob spam"), lucy).size(), 1u);
  Outbox out = send(bob, "CHAT Bob spam");
  EXPECT_TRUE(received(out, lucy).empty());
  EXPECT_EQ(received(out, bob), Lines{"admin : slow down: at most 2 messages per second, some were dropped"});
  EXPECT_TRUE(logged(out, "dropped a message from Bob"));
  out = send(bob, "CHAT Bob spam");
  EXPECT_TRUE(out.datagrams.empty());  // no second notice
  EXPECT_EQ(received(send(lucy, "CHAT Lucy calm"), bob).size(), 1u);  // others unaffected
  advance(milliseconds(500));
  EXPECT_EQ(received(send(bob, "CHAT Bob sorry"), lucy), Lines{"Bob : sorry"});
  EXPECT_EQ(received(send(bob, "CHAT Bob spam"), bob).size(), 1u);  // a new flood, a new notice
}

TEST_F(RoomTest, RepeatedLoginsCountAgainstFloodControl) {
  RoomLimits limits;
  limits.message_burst = 2;
  reset(limits);
  enter(bob, "Bob");
  EXPECT_EQ(received(send(bob, "LOGIN Bob"), bob), Lines{"OK"});
  EXPECT_EQ(received(send(bob, "LOGIN Bob"), bob), Lines{"OK"});
  EXPECT_EQ(received(send(bob, "LOGIN Bob"), bob).at(0).substr(0, 17), "admin : slow down");
}

TEST_F(RoomTest, AnUnreachableMemberIsRemovedAndOthersAreTold) {
  enter_three();
  Outbox out;
  room_->unreachable(bob, out);
  EXPECT_EQ(received(out, lucy), Lines{"Bob left the room (unreachable)"});
  EXPECT_EQ(room_->member_count(), 2u);
  out.clear();
  room_->unreachable(stranger, out);
  EXPECT_TRUE(out.datagrams.empty());
  EXPECT_EQ(room_->member_count(), 2u);
}

TEST_F(RoomTest, AQuietMemberWithoutKeepAlivesIsNeverDropped) {
  enter_three();
  advance(std::chrono::hours(24 * 30));
  Outbox out;
  room_->expire(now_, out);
  EXPECT_TRUE(out.datagrams.empty());
  EXPECT_EQ(room_->member_count(), 3u);
}

TEST_F(RoomTest, AMemberThatPingsTimesOutWhenItStops) {
  RoomLimits limits;
  limits.keepalive_timeout = milliseconds(3000);
  reset(limits);
  enter_three();
  EXPECT_TRUE(send(bob, "PING Bob").datagrams.empty());  // no answer: a ping is one-way
  advance(milliseconds(2000));
  send(bob, "CHAT Bob still here");  // any datagram counts as a sign of life
  advance(milliseconds(2999));
  Outbox out;
  room_->expire(now_, out);
  EXPECT_TRUE(out.datagrams.empty());
  advance(milliseconds(1));
  room_->expire(now_, out);
  EXPECT_EQ(received(out, lucy), Lines{"Bob left the room (timed out)"});
  EXPECT_EQ(room_->member_count(), 2u);
}

TEST_F(RoomTest, OnlyTheSilentPingerTimesOut) {
  RoomLimits limits;
  limits.keepalive_timeout = milliseconds(1000);
  reset(limits);
  enter_three();
  send(lucy, "PING Lucy");
  send(bob, "PING Bob");
  advance(milliseconds(600));
  send(lucy, "PING Lucy");
  advance(milliseconds(600));
  Outbox out;
  room_->expire(now_, out);
  EXPECT_EQ(received(out, lucy), Lines{"Bob left the room (timed out)"});
  EXPECT_EQ(room_->member_count(), 2u);  // Carol never pinged and stays
}

TEST_F(RoomTest, PingsInSomeoneElsesNameAreIgnored) {
  RoomLimits limits;
  limits.keepalive_timeout = milliseconds(1000);
  reset(limits);
  enter_three();
  EXPECT_TRUE(logged(send(stranger, "PING Bob"), "dropped PING"));
  send(lucy, "PING Bob");
  advance(milliseconds(5000));
  Outbox out;
  room_->expire(now_, out);
  EXPECT_EQ(room_->member_count(), 3u);  // Bob never promised keep-alives
}

TEST_F(RoomTest, MalformedDatagramsAreDroppedAndLogged) {
  enter_three();
  for (std::string_view bad : {std::string_view(""), std::string_view("HELLO"), std::string_view("CHAT"),
                               std::string_view("\0\1\2", 3)}) {
    const Outbox out = send(bob, bad);
    EXPECT_TRUE(out.datagrams.empty()) << bad;
    EXPECT_TRUE(logged(out, "dropped")) << bad;
  }
  EXPECT_TRUE(logged(send(stranger, "\x1b[31mHELLO"), "unknown command (\\x1b[31mHELLO)"));
}

TEST_F(RoomTest, DropLogLinesAreCappedPerSecond) {
  RoomLimits limits;
  limits.log_lines_per_second = 3;
  reset(limits);
  size_t lines = 0;
  for (int i = 0; i < 100; ++i) lines += send(stranger, "junk").log.size();
  EXPECT_EQ(lines, 3u);
  advance(milliseconds(1000));
  const Outbox out = send(stranger, "junk");
  EXPECT_TRUE(logged(out, "97 more dropped datagrams were not logged"));
}

TEST_F(RoomTest, ClosingTellsEveryone) {
  enter_three();
  Outbox out;
  room_->close(out);
  for (const SocketAddress& who : {lucy, bob, carol})
    EXPECT_EQ(received(out, who), Lines{"admin : the room is closing"});
}

TEST_F(RoomTest, NothingSentIsEverLargerThanTheCap) {
  enter_three();
  for (const std::string& text : {std::string(5000, 'a'), std::string(1500, '\x01'), std::string(1190, 'b')}) {
    const Outbox out = send(bob, chat_request("Bob", text));
    for (const Outgoing& datagram : out.datagrams) EXPECT_LE(datagram.payload.size(), kMaxOutgoingBytes);
  }
}

// WHO, muxd's protocol addition: the members, sorted, to the asker only.
TEST_F(RoomTest, WhoListsTheMembersToTheAskerOnly) {
  enter_three();
  const Outbox out = send(bob, "WHO Bob");
  EXPECT_EQ(received(out, bob), Lines{"MEMBERS 3 Bob Carol Lucy"});
  EXPECT_TRUE(received(out, lucy).empty());
  EXPECT_TRUE(received(out, carol).empty());
}

TEST_F(RoomTest, WhoFromAStrangerOrInAnotherNameIsDropped) {
  enter_three();
  EXPECT_TRUE(send(stranger, "WHO Bob").datagrams.empty());
  EXPECT_TRUE(send(stranger, "WHO Stranger").datagrams.empty());
  EXPECT_TRUE(send(lucy, "WHO Bob").datagrams.empty());
}

TEST_F(RoomTest, WhoCountsAgainstTheFloodLimit) {
  enter(lucy, "Lucy");
  size_t answers = 0;
  for (int i = 0; i < 40; ++i)
    for (const std::string& line : received(send(lucy, "WHO Lucy"), lucy)) answers += line.starts_with("MEMBERS ");
  EXPECT_EQ(answers, 10u);  // the default burst
}

}  // namespace
}  // namespace muxd::chat
