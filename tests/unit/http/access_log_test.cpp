#include "http/access_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

namespace muxd::http {
namespace {

std::string read_pipe(int fd) {
  std::string out;
  char chunk[4096];
  ssize_t n;
  while ((n = ::read(fd, chunk, sizeof(chunk))) > 0) out.append(chunk, static_cast<size_t>(n));
  return out;
}

TEST(AccessLog, WritesCombinedLogFormat) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    AccessLog log(fds[1]);
    log.record({"127.0.0.1", "22/Nov/2026:10:00:00 +0000", "GET /a.txt HTTP/1.1", 200, 5, "", "curl/7.88.1"});
    log.record({"::1", "22/Nov/2026:10:00:01 +0000", "", 400, 0, "", ""});
  }
  ::close(fds[1]);
  EXPECT_EQ(read_pipe(fds[0]),
            "127.0.0.1 - - [22/Nov/2026:10:00:00 +0000] \"GET /a.txt HTTP/1.1\" 200 5 \"-\" \"curl/7.88.1\"\n"
            "::1 - - [22/Nov/2026:10:00:01 +0000] \"-\" 400 - \"-\" \"-\"\n");
  ::close(fds[0]);
}

TEST(AccessLog, EscapesWhatCouldForgeALine) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    AccessLog log(fds[1]);
    log.record({"1.2.3.4", "t", "GET /x HTTP/1.1", 200, 1, "a\"b", "evil\n1.2.3.4 - - \\"});
  }
  ::close(fds[1]);
  EXPECT_EQ(read_pipe(fds[0]),
            "1.2.3.4 - - [t] \"GET /x HTTP/1.1\" 200 1 \"a\\x22b\" \"evil\\x0A1.2.3.4 - - \\x5C\"\n");
  ::close(fds[0]);
}

TEST(AccessLog, OffWritesNothing) {
  AccessLog log(-1);
  EXPECT_FALSE(log.enabled());
  log.record({"1.2.3.4", "t", "GET / HTTP/1.1", 200, 1, "", ""});
}

}  // namespace
}  // namespace muxd::http
