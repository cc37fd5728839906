#include <gtest/gtest.h>

#include "chat/chat_client.h"

namespace muxd::chat {
namespace {

std::string resolved(std::string_view text) {
  std::string error;
  auto address = resolve_server(text, &error);
  return address ? address->to_string() : "error: " + error;
}

TEST(ResolveServer, ThePortDefaultsTo8888) {
  EXPECT_EQ(resolved("127.0.0.1"), "127.0.0.1:8888");
  EXPECT_EQ(resolved("[::1]"), "[::1]:8888");
  EXPECT_EQ(resolved("::1"), "[::1]:8888");
}

TEST(ResolveServer, TakesAnExplicitPort) {
  EXPECT_EQ(resolved("127.0.0.1:9000"), "127.0.0.1:9000");
  EXPECT_EQ(resolved("[::1]:9000"), "[::1]:9000");
  EXPECT_EQ(resolved("localhost:9000"), "127.0.0.1:9000");
}

TEST(ResolveServer, ReportsWhatCannotBeResolved) {
  // (No unknown host names here: that would ask DNS, and tests stay on loopback.)
  EXPECT_EQ(resolved("127.0.0.1:notaport"), "error: bad port 'notaport' (1-65535)");
  EXPECT_EQ(resolved("127.0.0.1:99999"), "error: bad port '99999' (1-65535)");
  EXPECT_EQ(resolved("127.0.0.1:0"), "error: bad port '0' (1-65535)");
  EXPECT_EQ(resolved("[::1]:"), "error: bad port '' (1-65535)");
}

}  // namespace
}  // namespace muxd::chat
