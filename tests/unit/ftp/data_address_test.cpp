#include "ftp/data_address.h"

#include <gtest/gtest.h>

namespace muxd::ftp {
namespace {

TEST(PortArgument, ParsesSixNumbers) {
  auto address = parse_port_argument("127,0,0,1,4,1");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->to_string(), "127.0.0.1:1025");
}

TEST(PortArgument, RefusesBadSyntax) {
  for (const char* bad : {"", "127,0,0,1,4", "127,0,0,1,4,1,1", "256,0,0,1,4,1", "127,0,0,1,4,256",
                          "127,0,0,1,4,-1", "127,0,0,1,,1", "a,b,c,d,e,f", "127.0.0.1,4,1",
                          "127,0,0,1,4, 1", "127,0,0,1,4,1 ", "127,0,0,1,4,000001"}) {
    EXPECT_FALSE(parse_port_argument(bad)) << bad;
  }
}

TEST(EprtArgument, ParsesIpv4AndIpv6) {
  EprtError error;
  auto v4 = parse_eprt_argument("|1|132.235.1.2|6275|", &error);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->to_string(), "132.235.1.2:6275");
  auto v6 = parse_eprt_argument("|2|::1|5282|", &error);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->to_string(), "[::1]:5282");
  auto other_delimiter = parse_eprt_argument("!1!10.0.0.1!2000!", &error);
  ASSERT_TRUE(other_delimiter);
  EXPECT_EQ(error, EprtError::none);
}

TEST(EprtArgument, UnknownProtocolIs522) {
  EprtError error;
  EXPECT_FALSE(parse_eprt_argument("|3|1.2.3.4|2000|", &error));
  EXPECT_EQ(error, EprtError::protocol);
}

TEST(EprtArgument, RefusesBadSyntax) {
  for (const char* bad : {"", "|", "||", "|1|1.2.3.4|2000", "|1|1.2.3.4|70000|", "|1|::1|2000|",
                          "|2|1.2.3.4|2000|", "|1|1.2.3.4|2000|x|", "1|1.2.3.4|2000|1",
                          "|2|[::1]|2000|", "|1|host|2000|", "|1|1.2.3.4||"}) {
    EprtError error;
    EXPECT_FALSE(parse_eprt_argument(bad, &error)) << bad;
    EXPECT_EQ(error, EprtError::syntax) << bad;
  }
}

TEST(PassiveReplies, Format) {
  auto address = SocketAddress::parse("192.168.1.20:0")->with_port(50000);
  EXPECT_EQ(pasv_reply_text(address), "Entering Passive Mode (192,168,1,20,195,80).");
  EXPECT_EQ(epsv_reply_text(50000), "Entering Extended Passive Mode (|||50000|)");
}

TEST(SameIp, SeesThroughMappedAddresses) {
  auto v4 = *SocketAddress::parse("10.0.0.1:1");
  auto mapped = *SocketAddress::parse("[::ffff:10.0.0.1]:2");
  auto other = *SocketAddress::parse("10.0.0.2:1");
  EXPECT_TRUE(same_ip(v4, mapped));
  EXPECT_FALSE(same_ip(v4, other));
  EXPECT_EQ(plain_ip(mapped), "10.0.0.1");
  EXPECT_EQ(plain_ip(*SocketAddress::parse("[::1]:2")), "::1");
}

}  // namespace
}  // namespace muxd::ftp
