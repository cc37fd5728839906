// The session's log events: logins, failed logins, and the end of each file
// transfer, complete or not.
#include <unistd.h>

#include "session_fixture.h"

namespace muxd::ftp {
namespace {

using namespace std::chrono_literals;

class SessionLogTest : public testing::SessionTest {
 protected:
  SessionLogTest() {
    config_.steady_clock = [this] { return now_; };
    config_.anonymous_write = true;
  }

  std::vector<LogEvent> events() { return session().take_log_events(); }
  static const LoginEvent& login_of(const LogEvent& event) { return std::get<LoginEvent>(event); }
  static const TransferEvent& transfer_of(const LogEvent& event) { return std::get<TransferEvent>(event); }

  std::chrono::steady_clock::time_point now_{};
};

TEST_F(SessionLogTest, Logins) {
  EXPECT_EQ(code("USER alice"), 331);
  EXPECT_EQ(code("PASS wrong"), 530);
  EXPECT_EQ(code("USER nobody"), 331);
  EXPECT_EQ(code("PASS secret"), 530);
  login_alice();
  auto list = events();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(login_of(list[0]).user, "alice");
  EXPECT_FALSE(login_of(list[0]).accepted);
  EXPECT_EQ(login_of(list[1]).user, "nobody");
  EXPECT_FALSE(login_of(list[1]).accepted);
  EXPECT_EQ(login_of(list[2]).user, "alice");
  EXPECT_TRUE(login_of(list[2]).accepted);
}

TEST_F(SessionLogTest, AnonymousLoginsShowAsAnonymous) {
  EXPECT_EQ(code("USER FTP"), 331);
  EXPECT_EQ(code("PASS me@example.com"), 230);
  auto list = events();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(login_of(list[0]).user, "anonymous");
  EXPECT_TRUE(login_of(list[0]).accepted);
}

TEST_F(SessionLogTest, RefusedAnonymousLoginIsAFailedLogin) {
  config_.allow_anonymous = false;
  EXPECT_EQ(code("USER anonymous"), 530);
  auto list = events();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_FALSE(login_of(list[0]).accepted);
}

TEST_F(SessionLogTest, LongUserNamesAreCut) {
  EXPECT_EQ(code("USER " + std::string(500, 'x')), 331);
  EXPECT_EQ(code("PASS x"), 530);
  auto list = events();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(login_of(list[0]).user, std::string(kMaxLoggedUser, 'x'));
}

TEST_F(SessionLogTest, CompleteDownload) {
  login_anonymous();
  events();
  passive();
  EXPECT_EQ(code("RETR sub/inner"), 150);
  started();
  now_ += 1500ms;
  session().on_transfer_progress(2);
  EXPECT_EQ(finish(), "226 Transfer complete.\r\n");
  auto list = events();
  ASSERT_EQ(list.size(), 1u);
  const TransferEvent& event = transfer_of(list[0]);
  EXPECT_EQ(event.path, "/sub/inner");
  EXPECT_EQ(event.user, "anonymous");
  EXPECT_FALSE(event.upload);
  EXPECT_EQ(event.bytes, 2u);
  EXPECT_TRUE(event.complete);
  EXPECT_EQ(event.duration, 1500ms);
}

TEST_F(SessionLogTest, UploadsCompleteAndCut) {
  login_alice();
  events();
  passive();
  EXPECT_EQ(code("CWD sub"), 250);
  EXPECT_EQ(code("STOR up load"), 150);
  ASSERT_EQ(::write(std::get<ReceiveFile>(started().payload).fd, "abc", 3), 3);
  session().on_transfer_progress(3);
  finish();
  passive();
  EXPECT_EQ(code("APPE cut"), 150);
  started();
  session().on_transfer_progress(7);
  finish(TransferResult::connection_lost);
  auto list = events();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(transfer_of(list[0]).path, "/sub/up load");
  EXPECT_TRUE(transfer_of(list[0]).upload);
  EXPECT_TRUE(transfer_of(list[0]).complete);
  EXPECT_EQ(transfer_of(list[0]).bytes, 3u);
  EXPECT_EQ(transfer_of(list[0]).user, "alice");
  EXPECT_EQ(transfer_of(list[1]).path, "/sub/cut");
  EXPECT_FALSE(transfer_of(list[1]).complete);
  EXPECT_EQ(transfer_of(list[1]).bytes, 7u);
}

TEST_F(SessionLogTest, AbortedAndVanishedTransfersAreIncomplete) {
  login_anonymous();
  events();
  passive();
  code("RETR file.txt");
  started();
  session().on_transfer_progress(1);
  EXPECT_EQ(last_code(send("ABOR")), 226);
  EXPECT_TRUE(holds<AbortTransfer>(actions()));
  passive();
  code("STOR partial");
  started();
  session().on_transfer_progress(4);
  session().on_disconnect();  // the client died, or the driver discarded a held upload
  EXPECT_FALSE(session().transfer_active());
  EXPECT_FALSE(tree_.exists("partial"));
  auto list = events();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(transfer_of(list[0]).path, "/file.txt");
  EXPECT_FALSE(transfer_of(list[0]).complete);
  EXPECT_EQ(transfer_of(list[0]).bytes, 1u);
  EXPECT_EQ(transfer_of(list[1]).path, "/partial");
  EXPECT_TRUE(transfer_of(list[1]).upload);
  EXPECT_FALSE(transfer_of(list[1]).complete);
  EXPECT_EQ(transfer_of(list[1]).bytes, 4u);
}

TEST_F(SessionLogTest, ClosingDuringATransferLogsItIncomplete) {
  login_anonymous();
  events();
  passive();
  code("RETR file.txt");
  started();
  for (size_t i = 0; i <= kMaxQueuedCommands; ++i) send("PWD");  // 421 and a close
  auto list = events();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_FALSE(transfer_of(list[0]).complete);
}

TEST_F(SessionLogTest, ListingsAreNotLogged) {
  login_anonymous();
  events();
  passive();
  code("LIST");
  started();
  finish();
  EXPECT_TRUE(events().empty());
}

TEST_F(SessionLogTest, NothingWhenLoggingIsOff) {
  config_.log_events = false;
  login_anonymous();
  passive();
  code("RETR file.txt");
  started();
  finish();
  EXPECT_TRUE(events().empty());
}

}  // namespace
}  // namespace muxd::ftp
