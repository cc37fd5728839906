#include "session_fixture.h"

namespace muxd::ftp {
namespace {

using testing::SessionTest;

TEST_F(SessionTest, Feat) {
  EXPECT_EQ(send("FEAT"),
            "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n MLST type*;size*;modify*;perm*;UNIX.mode;\r\n"
            " PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End\r\n");
}

TEST_F(SessionTest, Opts) {
  EXPECT_EQ(send("OPTS UTF8 ON"), "200 Always in UTF8 mode.\r\n");
  EXPECT_EQ(send("OPTS MLST type;UNIX.mode;nonsense;"), "200 MLST OPTS type;UNIX.mode;\r\n");
  EXPECT_EQ(send("OPTS MLST"), "200 MLST OPTS \r\n");
  EXPECT_EQ(code("OPTS MODE Z"), 501);
}

TEST_F(SessionTest, SystAndHelp) {
  login_anonymous();
  EXPECT_EQ(send("SYST"), "215 UNIX Type: L8\r\n");
  EXPECT_EQ(code("HELP"), 214);
  EXPECT_EQ(send("HELP retr"), "214 RETR is supported.\r\n");
  EXPECT_EQ(code("HELP XYZ"), 502);
}

TEST_F(SessionTest, TypeModeStru) {
  login_anonymous();
  EXPECT_EQ(code("TYPE I"), 200);
  EXPECT_EQ(code("TYPE A"), 200);
  EXPECT_EQ(code("TYPE a n"), 200);
  EXPECT_EQ(code("TYPE L 8"), 200);
  EXPECT_EQ(code("TYPE E"), 504);
  EXPECT_EQ(code("TYPE X"), 501);
  EXPECT_EQ(code("MODE S"), 200);
  EXPECT_EQ(code("MODE B"), 504);
  EXPECT_EQ(code("MODE Q"), 501);
  EXPECT_EQ(code("STRU F"), 200);
  EXPECT_EQ(code("STRU R"), 504);
  EXPECT_EQ(code("STRU Q"), 501);
  EXPECT_EQ(code("ALLO 100"), 202);
}

TEST_F(SessionTest, StatShowsTheSession) {
  login_anonymous();
  code("TYPE I");
  std::string status = send("STAT");
  EXPECT_EQ(status.substr(0, 4), "211-");
  EXPECT_NE(status.find(" Connected from 127.0.0.1\r\n"), std::string::npos);
  EXPECT_NE(status.find(" Logged in as anonymous\r\n"), std::string::npos);
  EXPECT_NE(status.find("TYPE: BINARY"), std::string::npos);
  EXPECT_NE(status.find(" No data connection\r\n"), std::string::npos);
  EXPECT_EQ(last_code(status), 211);
}

TEST_F(SessionTest, StatOfAPathListsOnTheControlConnection) {
  login_anonymous();
  std::string status = send("STAT sub");
  EXPECT_EQ(status.substr(0, 20), "213-Status of /sub:\r");
  EXPECT_NE(status.find(" inner\r\n"), std::string::npos);
  EXPECT_EQ(last_code(status), 213);
  EXPECT_NE(send("STAT file.txt").find(" file.txt\r\n"), std::string::npos);
  EXPECT_EQ(code("STAT missing"), 550);
}

TEST_F(SessionTest, StatOfAPathStopsAtItsLimit) {
  for (size_t i = 0; i < kMaxStatEntries + 5; ++i) tree_.write("sub/f" + std::to_string(i), "");
  login_anonymous();
  std::string status = send("STAT sub");
  size_t lines = 0;
  for (size_t at = status.find("\r\n"); at != std::string::npos; at = status.find("\r\n", at + 2)) ++lines;
  EXPECT_LE(lines, kMaxStatEntries + 3);  // header, entries, the note, the end
  EXPECT_NE(status.find("more than 200 entries: use LIST"), std::string::npos);
}

TEST_F(SessionTest, StatOfAPathAtTheLimitHasNoNote) {
  for (size_t i = 0; i + 1 < kMaxStatEntries; ++i) tree_.write("sub/f" + std::to_string(i), "");
  login_anonymous();
  std::string status = send("STAT sub");  // inner + 199 files = exactly the limit
  EXPECT_EQ(status.find("more than"), std::string::npos);
}

}  // namespace
}  // namespace muxd::ftp
