#include "chat/protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace muxd::chat {
namespace {

Request parsed(std::string_view datagram) {
  Request request;
  EXPECT_EQ(parse_request(datagram, request), ParseError::none) << datagram;
  return request;
}

ParseError error_of(std::string_view datagram) {
  Request request;
  return parse_request(datagram, request);
}

TEST(Protocol, ParsesTheCourseCommands) {
  Request login = parsed("LOGIN Lucy");
  EXPECT_EQ(login.command, Command::login);
  EXPECT_EQ(login.name, "Lucy");
  Request chat = parsed("CHAT Lucy 一起 出去 玩啊");
  EXPECT_EQ(chat.command, Command::chat);
  EXPECT_EQ(chat.name, "Lucy");
  EXPECT_EQ(chat.text, "一起 出去 玩啊");
  Request exit = parsed("EXIT Lucy");
  EXPECT_EQ(exit.command, Command::exit);
  EXPECT_EQ(exit.name, "Lucy");
  EXPECT_EQ(parsed("PING Lucy").command, Command::ping);
}

TEST(Protocol, ChatTextMayBeEmptyOrMissing) {
  EXPECT_EQ(parsed("CHAT Lucy ").text, "");  // the course client's empty line
  EXPECT_EQ(parsed("CHAT Lucy").text, "");
  EXPECT_EQ(parsed("CHAT Lucy  two spaces").text, " two spaces");
}

TEST(Protocol, IgnoresOneTrailingLineEnd) {
  EXPECT_EQ(parsed("LOGIN bob\n").name, "bob");
  EXPECT_EQ(parsed("LOGIN bob\r\n").name, "bob");
  EXPECT_EQ(parsed("CHAT bob hi\n\n").text, "hi\n");
}

TEST(Protocol, LoginKeepsTheWholeRestForCheckName) {
  EXPECT_EQ(parsed("LOGIN two words").name, "two words");
  EXPECT_EQ(parsed("LOGIN").name, "");  // answered with FAIL, not dropped
  EXPECT_EQ(parsed("LOGIN ").name, "");
}

TEST(Protocol, RefusesMalformedDatagrams) {
  EXPECT_EQ(error_of(""), ParseError::empty);
  EXPECT_EQ(error_of("\n"), ParseError::empty);
  EXPECT_EQ(error_of("HELLO bob"), ParseError::unknown_command);
  EXPECT_EQ(error_of("login bob"), ParseError::unknown_command);  // verbs are case-sensitive
  EXPECT_EQ(error_of(std::string("\0\xff\x01", 3)), ParseError::unknown_command);
  EXPECT_EQ(error_of("CHAT"), ParseError::missing_name);
  EXPECT_EQ(error_of("CHAT  hi"), ParseError::missing_name);
  EXPECT_EQ(error_of("EXIT"), ParseError::missing_name);
  EXPECT_EQ(error_of("PING "), ParseError::missing_name);
}

TEST(Protocol, DatagramLengthLimit) {
  const std::string at_limit = "CHAT bob " + std::string(kMaxRequestBytes - 9, 'x');
  EXPECT_EQ(error_of(at_limit), ParseError::none);
  EXPECT_EQ(error_of(at_limit + "x"), ParseError::too_long);
}

TEST(Protocol, AcceptsGoodNames) {
  for (std::string_view name : {"Lucy", "小明", "a", "bob_2", "émile", "😀"})
    EXPECT_EQ(check_name(name), NameProblem::none) << name;
}

TEST(Protocol, NameLengthLimitIs32Bytes) {
  EXPECT_EQ(check_name(std::string(kMaxNameBytes, 'n')), NameProblem::none);
  EXPECT_EQ(check_name(std::string(kMaxNameBytes + 1, 'n')), NameProblem::too_long);
  EXPECT_EQ(check_name("一二三四五六七八九十"), NameProblem::none);              // 30 bytes
  EXPECT_EQ(check_name("一二三四五六七八九十一"), NameProblem::too_long);        // 33 bytes
}

TEST(Protocol, RefusesBadNames) {
  EXPECT_EQ(check_name(""), NameProblem::empty);
  EXPECT_EQ(check_name("a b"), NameProblem::forbidden_character);
  EXPECT_EQ(check_name("tab\t"), NameProblem::forbidden_character);
  EXPECT_EQ(check_name("esc\x1b"), NameProblem::forbidden_character);
  EXPECT_EQ(check_name("nb\u00A0sp"), NameProblem::forbidden_character);
  EXPECT_EQ(check_name("zero\u200Bwidth"), NameProblem::forbidden_character);
  EXPECT_EQ(check_name("ideo\u3000space"), NameProblem::forbidden_character);
  EXPECT_EQ(check_name("rtl\u202Eevil"), NameProblem::forbidden_character);
  EXPECT_EQ(check_name("bad\xFF"), NameProblem::invalid_utf8);
}

TEST(Protocol, ReservedNames) {
  EXPECT_EQ(check_name("admin"), NameProblem::reserved);
  EXPECT_EQ(check_name("ADMIN"), NameProblem::reserved);
  EXPECT_EQ(check_name("管理员消息"), NameProblem::reserved);
  EXPECT_EQ(check_name("我是管理"), NameProblem::reserved);
  EXPECT_EQ(check_name("admin2"), NameProblem::none);
}

TEST(Protocol, NameKeyIgnoresAsciiCaseOnly) {
  EXPECT_EQ(name_key("Bob"), name_key("bOB"));
  EXPECT_NE(name_key("Émile"), name_key("émile"));
}

TEST(Protocol, FormatsServerLines) {
  EXPECT_EQ(format_message("Lucy", "一起出去玩啊"), "Lucy : 一起出去玩啊");
  EXPECT_EQ(format_announcement("hello"), "admin : hello");
  EXPECT_EQ(format_joined("Lucy"), "Lucy joined the room");
  EXPECT_EQ(format_left("Lucy"), "Lucy left the room");
  EXPECT_EQ(format_left("Lucy", "timed out"), "Lucy left the room (timed out)");
  EXPECT_EQ(format_fail("name taken"), "FAIL name taken");
}

TEST(Protocol, FormattedMessagesAreCutAt1200BytesOnACharacterBoundary) {
  const std::string line = format_message("bob", std::string(2000, 'x'));
  EXPECT_EQ(line.size(), kMaxOutgoingBytes);
  std::string chinese;
  for (int i = 0; i < 500; ++i) chinese += "中";
  const std::string cut = format_message("bob", chinese);  // 6 + 1500 bytes
  EXPECT_LE(cut.size(), kMaxOutgoingBytes);
  EXPECT_EQ((cut.size() - 6) % 3, 0u);
  EXPECT_EQ(format_message("bob", std::string(kMaxOutgoingBytes - 6, 'y')).size(), kMaxOutgoingBytes);
}

TEST(Protocol, FormatsClientRequests) {
  EXPECT_EQ(login_request("Lucy"), "LOGIN Lucy");
  EXPECT_EQ(chat_request("Lucy", "hi there"), "CHAT Lucy hi there");
  EXPECT_EQ(exit_request("Lucy"), "EXIT Lucy");
  EXPECT_EQ(ping_request("Lucy"), "PING Lucy");
}

TEST(Protocol, WhoIsAnAddition) {
  const Request request = parsed("WHO Lucy\n");
  EXPECT_EQ(request.command, Command::who);
  EXPECT_EQ(request.name, "Lucy");
  EXPECT_EQ(who_request("Lucy"), "WHO Lucy");
  Request none;
  EXPECT_EQ(parse_request("WHO", none), ParseError::missing_name);
}

TEST(Protocol, MembersAreSplitUnderTheDatagramCap) {
  EXPECT_EQ(format_members({}), std::vector<std::string>{"MEMBERS 0"});
  EXPECT_EQ(format_members({"a", "b"}), std::vector<std::string>{"MEMBERS 2 a b"});
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) names.push_back(std::string(31, 'n') + std::to_string(i % 10));
  const auto parts = format_members(names);
  EXPECT_GT(parts.size(), 20u);
  size_t seen = 0;
  for (const std::string& part : parts) {
    EXPECT_LE(part.size(), kMaxOutgoingBytes);
    const auto parsed_part = parse_members(part);
    ASSERT_TRUE(parsed_part);
    EXPECT_EQ(parsed_part->count, 1000u);
    seen += parsed_part->names.size();
  }
  EXPECT_EQ(seen, 1000u);
}

TEST(Protocol, OnlyMembersLinesParseAsMembers) {
  const auto part = parse_members("MEMBERS 2 Bob Lucy");
  ASSERT_TRUE(part);
  EXPECT_EQ(part->count, 2u);
  EXPECT_EQ(part->names, (std::vector<std::string>{"Bob", "Lucy"}));
  EXPECT_FALSE(parse_members("MEMBERS : 3 a b"));  // a member called MEMBERS
  EXPECT_FALSE(parse_members("MEMBERS joined the room"));
  EXPECT_FALSE(parse_members("Bob : MEMBERS 1 x"));
  EXPECT_FALSE(parse_members("MEMBERS 99999999999 x"));
}

}  // namespace
}  // namespace muxd::chat
