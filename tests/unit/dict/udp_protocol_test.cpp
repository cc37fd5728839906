// The course's UDP protocol: which datagrams are words, how answers are cut.
#include "dict/udp_protocol.h"

#include <gtest/gtest.h>

#include "core/address_limit.h"
#include "dict/command_parser.h"

namespace muxd::dict {
namespace {

TEST(DictUdp, AWordIsTheDatagramWithoutOneTrailingLineEnd) {
  EXPECT_EQ(udp_word("cat"), "cat");
  EXPECT_EQ(udp_word("cat\n"), "cat");
  EXPECT_EQ(udp_word("cat\r\n"), "cat");
  EXPECT_EQ(udp_word("hot dog"), "hot dog");
  EXPECT_EQ(udp_word("中文"), "中文");
  EXPECT_EQ(udp_word("' OR 1=1; --"), "' OR 1=1; --");  // just a word: prepared statements only
  EXPECT_EQ(udp_word(std::string(kMaxWordBytes, 'w')), std::string(kMaxWordBytes, 'w'));
}

TEST(DictUdp, MalformedDatagramsAreDropped) {
  EXPECT_FALSE(udp_word(""));
  EXPECT_FALSE(udp_word("\n"));
  EXPECT_FALSE(udp_word("\r\n"));
  EXPECT_FALSE(udp_word("cat\n\n"));
  EXPECT_FALSE(udp_word(std::string("c\0t", 3)));
  EXPECT_FALSE(udp_word("tab\there"));
  EXPECT_FALSE(udp_word("\x1b[2J"));
  EXPECT_FALSE(udp_word("\xff\xfe"));
  EXPECT_FALSE(udp_word("\xe4\xb8"));  // a cut character
  EXPECT_FALSE(udp_word(std::string(kMaxWordBytes + 1, 'w')));
}

TEST(DictUdp, AnswersAreTheMeaningOrNotFoundCutAtACharacter) {
  EXPECT_EQ(udp_answer("", 1024), "Not Found");
  EXPECT_EQ(udp_answer("feline", 1024), "feline");
  EXPECT_EQ(udp_answer(std::string(2000, 'a'), 1024), std::string(1024, 'a'));
  std::string chinese;
  for (int i = 0; i < 400; ++i) chinese += "猫";  // 3 bytes each: 1,200 bytes
  std::string cut = udp_answer(chinese, 1024);
  EXPECT_EQ(cut.size(), 1023u);  // 341 whole characters
  EXPECT_EQ(cut, chinese.substr(0, 1023));
}

TEST(DictAddressLimit, CountsLeasesPerIpAcrossPorts) {
  AddressLimit limit(2);
  auto a = *SocketAddress::parse("10.0.0.1:1000");
  auto a2 = *SocketAddress::parse("10.0.0.1:2000");
  auto b = *SocketAddress::parse("10.0.0.2:1000");
  auto first = limit.acquire(a);
  auto second = limit.acquire(a2);
  EXPECT_TRUE(first);
  EXPECT_TRUE(second);
  EXPECT_FALSE(limit.acquire(a));
  EXPECT_TRUE(limit.acquire(b));  // and released at once
  EXPECT_EQ(limit.count(b), 0u);
  first.reset();
  EXPECT_EQ(limit.count(a), 1u);
  EXPECT_TRUE(limit.acquire(a));
  AddressLimit unlimited(0);
  std::vector<std::shared_ptr<void>> many;
  for (int i = 0; i < 100; ++i) many.push_back(unlimited.acquire(a));
  EXPECT_TRUE(many.back());
}

}  // namespace
}  // namespace muxd::dict
