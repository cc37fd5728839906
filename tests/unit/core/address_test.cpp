#include "core/address.h"

#include <gtest/gtest.h>

namespace muxd {
namespace {

TEST(SocketAddress, ParsesIpv4WithPort) {
  auto address = SocketAddress::parse("127.0.0.1:8080");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->family(), AF_INET);
  EXPECT_EQ(address->port(), 8080);
  EXPECT_EQ(address->to_string(), "127.0.0.1:8080");
}

TEST(SocketAddress, ParsesBracketedIpv6AndPortZero) {
  auto address = SocketAddress::parse("[::1]:0");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->family(), AF_INET6);
  EXPECT_EQ(address->port(), 0);
  EXPECT_EQ(address->to_string(), "[::1]:0");
}

TEST(SocketAddress, LocalhostMeansLoopback) {
  EXPECT_EQ(SocketAddress::parse("localhost:21")->to_string(), "127.0.0.1:21");
}

TEST(SocketAddress, RefusesBadInputWithAReason) {
  for (const char* text : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:8x",
                           "::1:80", "[::1]80", "[::1", "example.com:80", "300.1.1.1:80", ":"}) {
    std::string error;
    EXPECT_FALSE(SocketAddress::parse(text, &error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

TEST(SocketAddress, ComparesHostsIgnoringPorts) {
  auto a = *SocketAddress::parse("10.0.0.1:1000");
  auto b = *SocketAddress::parse("10.0.0.1:2000");
  auto c = *SocketAddress::parse("10.0.0.2:1000");
  EXPECT_TRUE(a.same_host(b));
  EXPECT_FALSE(a.same_host(c));
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(a == a.with_port(1000));
  EXPECT_EQ(a.ip_string(), "10.0.0.1");
}

}  // namespace
}  // namespace muxd
