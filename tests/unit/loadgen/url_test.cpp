#include "loadgen/url.h"

#include <gtest/gtest.h>

#include "loadgen/bench_config.h"

namespace muxd::loadgen {
namespace {

TEST(Url, SplitsHostPortAndPath) {
  std::string error;
  auto target = parse_url("http://127.0.0.1:8080/a/b.html?x=1#frag", &error);
  ASSERT_TRUE(target) << error;
  EXPECT_EQ(target->host, "127.0.0.1");
  EXPECT_EQ(target->port, 8080);
  EXPECT_EQ(target->authority, "127.0.0.1:8080");
  EXPECT_EQ(target->path, "/a/b.html?x=1");

  target = parse_url("http://example.com", &error);
  ASSERT_TRUE(target) << error;
  EXPECT_EQ(target->port, 80);
  EXPECT_EQ(target->authority, "example.com");
  EXPECT_EQ(target->path, "/");

  target = parse_url("http://[::1]:81?q", &error);
  ASSERT_TRUE(target) << error;
  EXPECT_EQ(target->host, "[::1]");
  EXPECT_EQ(target->authority, "[::1]:81");
  EXPECT_EQ(target->path, "/?q");
}

TEST(Url, RefusesWhatItCannotUse) {
  for (const char* url : {"https://example.com/", "ftp://x/", "example.com", "http://", "http://:80/",
                          "http://host:0/", "http://host:65536/", "http://host:8x/", "http://user@host/",
                          "http://[::1/", "http://host/a b"}) {
    std::string error;
    EXPECT_FALSE(parse_url(url, &error)) << url;
    EXPECT_FALSE(error.empty()) << url;
  }
}

TEST(Url, ResolvesNumericAndLocalhost) {
  std::string error;
  auto target = parse_url("http://127.0.0.1:9/", &error);
  ASSERT_TRUE(target && resolve(*target, &error)) << error;
  EXPECT_EQ(target->address.to_string(), "127.0.0.1:9");
  target = parse_url("http://[::1]:9/", &error);
  ASSERT_TRUE(target && resolve(*target, &error)) << error;
  EXPECT_EQ(target->address.to_string(), "[::1]:9");
  target = parse_url("http://no-such-host.invalid/", &error);
  ASSERT_TRUE(target);
  EXPECT_FALSE(resolve(*target, &error));
  EXPECT_NE(error.find("cannot resolve"), std::string::npos) << error;
}

TEST(Request, HostHeadersAndClose) {
  BenchConfig config;
  config.target = *parse_url("http://127.0.0.1:8080/index.html", nullptr);
  EXPECT_EQ(build_request(config), "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
  config.headers = {"Accept: */*", "host: example.com"};
  config.close = true;
  EXPECT_EQ(build_request(config),
            "GET /index.html HTTP/1.1\r\nAccept: */*\r\nhost: example.com\r\nConnection: close\r\n\r\n");
}

TEST(Request, HeaderFlagValidation) {
  std::string why;
  EXPECT_TRUE(valid_header("X-Test: a b c", &why));
  EXPECT_TRUE(valid_header("X-Empty:", &why));
  EXPECT_FALSE(valid_header("no colon", &why));
  EXPECT_FALSE(valid_header(": no name", &why));
  EXPECT_FALSE(valid_header("Bad Name: x", &why));
  EXPECT_FALSE(valid_header("X: a\r\nInjected: 1", &why));
}

}  // namespace
}  // namespace muxd::loadgen
