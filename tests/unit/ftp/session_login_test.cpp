#include "session_fixture.h"

namespace muxd::ftp {
namespace {

using testing::SessionTest;

TEST_F(SessionTest, GreetsWith220) {
  Session s(config_, *SocketAddress::parse("127.0.0.1:1"), *SocketAddress::parse("127.0.0.1:2"));
  s.start();
  EXPECT_EQ(s.take_replies(), "220 muxd FTP server ready.\r\n");
}

TEST_F(SessionTest, EverythingButLoginNeedsLogin) {
  for (const char* line : {"RETR file.txt", "PWD", "LIST", "PASV", "STOR x", "SYST", "CWD sub"}) {
    EXPECT_EQ(code(line), 530) << line;
  }
  EXPECT_EQ(code("FEAT"), 211);
  EXPECT_EQ(code("NOOP"), 200);
  EXPECT_EQ(code("OPTS UTF8 ON"), 200);
}

TEST_F(SessionTest, UnknownAndMalformedCommands) {
  EXPECT_EQ(send("XYZZY"), "502 Command XYZZY not implemented.\r\n");
  EXPECT_EQ(code("SITE CHMOD 777 x"), 502);
  EXPECT_EQ(code("123"), 500);
  EXPECT_EQ(code(""), 500);
}

TEST_F(SessionTest, AnonymousLogin) {
  EXPECT_EQ(code("USER anonymous"), 331);
  EXPECT_EQ(code("PASS"), 230);
  EXPECT_TRUE(session().logged_in());
}

TEST_F(SessionTest, FtpIsAnonymousToo) {
  EXPECT_EQ(code("user FTP"), 331);
  EXPECT_EQ(code("PASS x"), 230);
}

TEST_F(SessionTest, AnonymousCanBeDisabled) {
  config_.allow_anonymous = false;
  EXPECT_EQ(code("USER anonymous"), 530);
  EXPECT_EQ(code("PASS x"), 503);
}

TEST_F(SessionTest, UserLogin) {
  EXPECT_EQ(code("USER alice"), 331);
  EXPECT_EQ(code("PASS secret"), 230);
  EXPECT_EQ(code("USER bob"), 503);
}

TEST_F(SessionTest, UnknownUserLooksLikeAKnownOne) {
  std::string known = send("USER alice");
  EXPECT_EQ(send("USER nobody"), known);
  EXPECT_EQ(code("PASS secret"), 530);
}

TEST_F(SessionTest, WrongPasswordThenRetry) {
  EXPECT_EQ(code("USER alice"), 331);
  EXPECT_EQ(code("PASS wrong"), 530);
  EXPECT_EQ(code("PASS secret"), 503);  // USER again first
  login_alice();
}

TEST_F(SessionTest, ThreeFailedLoginsClose) {
  for (size_t i = 1; i <= kMaxLoginFailures; ++i) {
    code("USER alice");
    EXPECT_EQ(code("PASS wrong"), 530);
    EXPECT_EQ(session().closing(), i == kMaxLoginFailures);
  }
  auto list = actions();
  EXPECT_TRUE(holds<CloseControl>(list, list.size() - 1));
  EXPECT_EQ(send("USER alice"), "");  // nothing more is read
}

TEST_F(SessionTest, NoUsersFileMeansOnlyAnonymous) {
  config_.users = nullptr;
  code("USER alice");
  EXPECT_EQ(code("PASS secret"), 530);
}

TEST_F(SessionTest, PassWithoutUser) { EXPECT_EQ(code("PASS x"), 503); }

TEST_F(SessionTest, Quit) {
  EXPECT_EQ(send("QUIT"), "221 Goodbye.\r\n");
  EXPECT_TRUE(holds<CloseControl>(actions()));
}

TEST_F(SessionTest, LineTooLongCloses) {
  session().on_line_too_long();
  EXPECT_EQ(last_code(session().take_replies()), 500);
  EXPECT_TRUE(holds<CloseControl>(actions()));
}

TEST_F(SessionTest, IdleTimeoutCloses) {
  session().on_idle_timeout();
  EXPECT_EQ(session().take_replies(), "421 Idle timeout: closing the control connection.\r\n");
  EXPECT_TRUE(holds<CloseControl>(actions()));
}

TEST_F(SessionTest, ArgumentRules) {
  login_anonymous();
  EXPECT_EQ(send("PWD x"), "501 PWD takes no argument.\r\n");
  EXPECT_EQ(send("RETR"), "501 RETR needs an argument.\r\n");
  EXPECT_EQ(code("RETR   "), 501);
  EXPECT_EQ(code("NOOP  "), 200);  // trailing blanks are no argument
}

}  // namespace
}  // namespace muxd::ftp
