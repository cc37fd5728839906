// split_host_port: a client's SERVER argument.
#include "core/host_port.h"

#include <gtest/gtest.h>

namespace muxd {
namespace {

std::string split(std::string_view text) {
  std::string error;
  std::optional<HostPort> got = split_host_port(text, "8888", &error);
  return got ? got->host + " " + got->port : "error: " + error;
}

TEST(HostPort, NamesAndIpv4) {
  EXPECT_EQ(split("localhost"), "localhost 8888");
  EXPECT_EQ(split("localhost:5002"), "localhost 5002");
  EXPECT_EQ(split("127.0.0.1"), "127.0.0.1 8888");
  EXPECT_EQ(split("192.0.2.1:65535"), "192.0.2.1 65535");
}

TEST(HostPort, Ipv6BracketedOrBare) {
  EXPECT_EQ(split("[::1]:5002"), "::1 5002");
  EXPECT_EQ(split("[::1]"), "::1 8888");
  EXPECT_EQ(split("[fe80::1%eth0]:1"), "fe80::1%eth0 1");
  EXPECT_EQ(split("::1"), "::1 8888");  // several colons: all host
  EXPECT_EQ(split("2001:db8::5"), "2001:db8::5 8888");
}

TEST(HostPort, BadForms) {
  EXPECT_EQ(split("[::1"), "error: missing ]");
  EXPECT_EQ(split("[::1]5002"), "error: expected :PORT after ]");
  EXPECT_EQ(split(""), "error: no host");
  EXPECT_EQ(split(":5002"), "error: no host");
  EXPECT_EQ(split("[]:5002"), "error: no host");
}

TEST(HostPort, BadPorts) {
  const std::string bad = "error: the port is not a number from 1 to 65535";
  for (std::string_view text : {"host:", "host:0", "host:65536", "host:http", "host:-1", "host:+80", "host:80x",
                                "host: 80", "[::1]:", "[::1]:99999", "host:4294967297"}) {
    EXPECT_EQ(split(text), bad) << text;
  }
  std::string error;
  EXPECT_FALSE(split_host_port("host", "none", &error)) << "a default port is checked too";
  EXPECT_FALSE(split_host_port("[::1", "1", nullptr));  // no error wanted
}

}  // namespace
}  // namespace muxd
