#include "ftp/ftp_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "temp_tree.h"

namespace muxd::ftp {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kTime = "2026-11-22T10:00:00Z";

std::string line_of(const LogEvent& event, std::string_view ip = "127.0.0.1") {
  std::string out;
  append_log_line(out, event, ip, kTime);
  return out;
}

TransferEvent transfer(std::string path) {
  TransferEvent event;
  event.path = std::move(path);
  event.user = "anonymous";
  event.bytes = 300000;
  event.complete = true;
  event.duration = 12ms;
  return event;
}

TEST(FtpLogLine, Logins) {
  EXPECT_EQ(line_of(LoginEvent{"anonymous", true}), "2026-11-22T10:00:00Z login 127.0.0.1 anonymous\n");
  EXPECT_EQ(line_of(LoginEvent{"alice", false}, "::1"), "2026-11-22T10:00:00Z login-failed ::1 alice\n");
}

TEST(FtpLogLine, Transfers) {
  EXPECT_EQ(line_of(transfer("/pub/a.iso")),
            "2026-11-22T10:00:00Z transfer 0.012 127.0.0.1 300000 /pub/a.iso o anonymous c\n");
  TransferEvent upload = transfer("/in");
  upload.upload = true;
  upload.complete = false;
  upload.user = "alice";
  upload.bytes = 0;
  upload.duration = 75300ms;
  EXPECT_EQ(line_of(upload), "2026-11-22T10:00:00Z transfer 75.300 127.0.0.1 0 /in i alice i\n");
}

// Names come from clients: nothing in them may break the line or a field.
TEST(FtpLogLine, NamesAreEscaped) {
  EXPECT_EQ(line_of(transfer("/a b\nc\rd\\e\x7f\x01")).substr(kTime.size()),
            " transfer 0.012 127.0.0.1 300000 /a\\x20b\\x0Ac\\x0Dd\\x5Ce\\x7F\\x01 o anonymous c\n");
  EXPECT_EQ(line_of(transfer("/名")).substr(kTime.size()),
            " transfer 0.012 127.0.0.1 300000 /\\xE5\\x90\\x8D o anonymous c\n");
  EXPECT_EQ(line_of(LoginEvent{"x\n2026-11-22T10:00:00Z login 1.2.3.4 root", false}),
            "2026-11-22T10:00:00Z login-failed 127.0.0.1 "
            "x\\x0A2026-11-22T10:00:00Z\\x20login\\x201.2.3.4\\x20root\n");
  std::string empty;
  append_log_field(empty, "");
  EXPECT_EQ(empty, "-");
}

TEST(FtpLogLine, Time) {
  EXPECT_EQ(format_log_time(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_log_time(1700000000), "2023-11-14T22:13:20Z");
}

TEST(FtpLog, BuffersUntilFlushed) {
  testing::TempTree tree;
  std::string path = tree.at("ftp.log");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  {
    FtpLog log(fd);
    log.record(LoginEvent{"alice", true}, "10.0.0.1", 1700000000);
    log.record(transfer("/f"), "10.0.0.1", 1700000001);
    EXPECT_EQ(tree.read("ftp.log"), "");
    log.flush();
    EXPECT_EQ(tree.read("ftp.log"),
              "2023-11-14T22:13:20Z login 10.0.0.1 alice\n"
              "2023-11-14T22:13:21Z transfer 0.012 10.0.0.1 300000 /f o anonymous c\n");
    log.record(LoginEvent{"bob", false}, "10.0.0.2", 1700000001);
  }  // flushed on destruction
  EXPECT_NE(tree.read("ftp.log").find("login-failed 10.0.0.2 bob\n"), std::string::npos);
  ::close(fd);
  FtpLog off(-1);
  off.record(LoginEvent{"alice", true}, "10.0.0.1", 0);
  EXPECT_TRUE(off.buffered().empty());
}

}  // namespace
}  // namespace muxd::ftp
