#include <utime.h>

#include "session_fixture.h"

namespace muxd::ftp {
namespace {

using testing::SessionTest;
using testing::kNow;

TEST_F(SessionTest, WorkingDirectory) {
  login_anonymous();
  EXPECT_EQ(send("PWD"), "257 \"/\" is the current directory.\r\n");
  EXPECT_EQ(code("CWD sub"), 250);
  EXPECT_EQ(send("XPWD"), "257 \"/sub\" is the current directory.\r\n");
  EXPECT_EQ(code("CDUP"), 250);
  EXPECT_EQ(send("PWD"), "257 \"/\" is the current directory.\r\n");
}

TEST_F(SessionTest, DotDotAtTheRootStaysThere) {
  login_anonymous();
  EXPECT_EQ(send("CDUP"), "250 Directory successfully changed.\r\n");
  EXPECT_EQ(send("PWD"), "257 \"/\" is the current directory.\r\n");
  EXPECT_EQ(code("CWD .."), 250);
  EXPECT_EQ(code("XCUP"), 250);
  EXPECT_EQ(code("CWD /.."), 250);
  EXPECT_EQ(send("PWD"), "257 \"/\" is the current directory.\r\n");
  EXPECT_EQ(code("CWD sub"), 250);
  EXPECT_EQ(code("CWD ../.."), 250);  // one step up, then stays at the root
  EXPECT_EQ(send("PWD"), "257 \"/\" is the current directory.\r\n");
  EXPECT_EQ(code("CWD ../../sub"), 250);  // "/../../sub" is "/sub", as in a shell
  EXPECT_EQ(send("PWD"), "257 \"/sub\" is the current directory.\r\n");
  EXPECT_EQ(code("XCWD ../../../.."), 250);
  EXPECT_EQ(send("PWD"), "257 \"/\" is the current directory.\r\n");
}

TEST_F(SessionTest, DotDotStaysBeneathTheRootForOtherCommands) {
  login_alice();
  EXPECT_EQ(code("CWD sub"), 250);
  EXPECT_EQ(code("SIZE ../../file.txt"), 550);  // only CWD clamps
  EXPECT_EQ(code("SIZE ../file.txt"), 213);
  EXPECT_EQ(code("MKD ../../made"), 550);
  EXPECT_FALSE(tree_.exists("made"));
}

TEST_F(SessionTest, CwdRefusals) {
  login_anonymous();
  EXPECT_EQ(code("CWD ../../etc"), 550);  // "/etc" beneath the root, which has none
  EXPECT_EQ(code("CWD ../link-out"), 550);
  EXPECT_EQ(code("CWD ../.muxd-upload-0000000000000000"), 550);
  EXPECT_EQ(code("CWD ../" + std::string(5000, 'a')), 501);
  EXPECT_EQ(code(std::string("CWD ../sub\0x", 12)), 501);
  EXPECT_EQ(code("CWD file.txt"), 550);
  EXPECT_EQ(code("CWD missing"), 550);
  EXPECT_EQ(code(std::string("CWD sub\0x", 9)), 501);
  EXPECT_EQ(send("PWD"), "257 \"/\" is the current directory.\r\n");
}

TEST_F(SessionTest, QuotesInDirectoryNames) {
  tree_.mkdir("say \"hi\"");
  login_anonymous();
  EXPECT_EQ(code("CWD say \"hi\""), 250);
  EXPECT_EQ(send("PWD"), "257 \"/say \"\"hi\"\"\" is the current directory.\r\n");
}

TEST_F(SessionTest, AnonymousIsReadOnlyByDefault) {
  login_anonymous();
  EXPECT_EQ(send("MKD new dir"), "550 Permission denied: anonymous users may only list and download.\r\n");
  EXPECT_EQ(code("RMD sub"), 550);
  EXPECT_EQ(code("DELE file.txt"), 550);
  EXPECT_EQ(code("RNFR file.txt"), 550);
  EXPECT_EQ(code("RNTO x"), 503);
  EXPECT_FALSE(tree_.exists("new dir"));
  EXPECT_EQ(tree_.read("file.txt"), "hello");
  EXPECT_EQ(code("SIZE file.txt"), 213);
}

TEST_F(SessionTest, AnonymousWriteGivesANamedUsersRights) {
  config_.anonymous_write = true;
  login_anonymous();
  EXPECT_EQ(send("MKD new dir"), "257 \"/new dir\" created.\r\n");
  EXPECT_EQ(code("RMD new dir"), 250);
  EXPECT_EQ(code("RNFR file.txt"), 350);
  EXPECT_EQ(code("RNTO moved.txt"), 250);
  EXPECT_EQ(code("DELE moved.txt"), 250);
  EXPECT_FALSE(tree_.exists("moved.txt"));
  EXPECT_FALSE(tree_.exists("file.txt"));
}

TEST_F(SessionTest, NamedUsersWriteWithoutAnonymousWrite) {
  login_alice();
  EXPECT_EQ(code("MKD d"), 257);
  EXPECT_TRUE(tree_.exists("d"));
}

TEST_F(SessionTest, ReadOnlyRefusesEveryWrite) {
  config_.read_only = true;
  login_alice();
  EXPECT_EQ(send("MKD x"), "550 Permission denied: the server is read-only.\r\n");
  EXPECT_EQ(code("DELE file.txt"), 550);
  EXPECT_EQ(code("RNFR file.txt"), 550);
  EXPECT_EQ(code("RMD sub"), 550);
  EXPECT_FALSE(tree_.exists("x"));
}

TEST_F(SessionTest, UserMayChangeEverything) {
  login_alice();
  EXPECT_EQ(code("MKD d"), 257);
  EXPECT_EQ(code("RMD d"), 250);
  EXPECT_EQ(code("RMD sub"), 550);  // not empty
  EXPECT_EQ(code("RNFR file.txt"), 350);
  EXPECT_EQ(code("RNTO sub/renamed.txt"), 250);
  EXPECT_EQ(tree_.read("sub/renamed.txt"), "hello");
  EXPECT_EQ(code("DELE sub/renamed.txt"), 250);
  EXPECT_EQ(code("DELE sub/renamed.txt"), 550);
  EXPECT_EQ(code("DELE sub"), 550);
  EXPECT_EQ(code("RMD /"), 550);
}

TEST_F(SessionTest, RntoMustFollowRnfr) {
  login_alice();
  EXPECT_EQ(code("RNTO x"), 503);
  EXPECT_EQ(code("RNFR file.txt"), 350);
  EXPECT_EQ(code("NOOP"), 200);
  EXPECT_EQ(code("RNTO x"), 503);
  EXPECT_EQ(code("RNFR missing"), 550);
  EXPECT_EQ(code("RNFR /"), 550);
}

TEST_F(SessionTest, RenameCannotLeaveTheRoot) {
  login_alice();
  EXPECT_EQ(code("RNFR file.txt"), 350);
  EXPECT_EQ(code("RNTO ../escaped"), 550);
  EXPECT_TRUE(tree_.exists("file.txt"));
}

TEST_F(SessionTest, SizeAndMdtm) {
  struct utimbuf times{kNow, 1000000000};
  ::utime(tree_.at("file.txt").c_str(), &times);
  login_anonymous();
  EXPECT_EQ(send("SIZE file.txt"), "213 5\r\n");
  EXPECT_EQ(send("MDTM file.txt"), "213 20010909014640\r\n");
  EXPECT_EQ(code("SIZE sub"), 550);
  EXPECT_EQ(code("MDTM missing"), 550);
}

TEST_F(SessionTest, SymlinkLeadingOutLooksMissing) {
  login_alice();
  EXPECT_EQ(send("SIZE link-out"), "550 No such file or directory.\r\n");
  EXPECT_EQ(code("CWD link-out"), 550);
}

TEST_F(SessionTest, UploadTemporariesArePrivate) {
  tree_.write(".muxd-upload-0000000000000001", "partial");
  login_alice();
  EXPECT_EQ(code("SIZE .muxd-upload-0000000000000001"), 550);
  EXPECT_EQ(code("DELE .muxd-upload-0000000000000001"), 550);
}

// Hidden names at any depth: every command refuses them, whether they exist
// or not, for every user.
TEST_F(SessionTest, DotfilesAreRefusedByDefault) {
  tree_.write(".env", "SECRET=1");
  tree_.mkdir(".git");
  tree_.write(".git/config", "[core]");
  tree_.mkdir("sub/.ssh");
  tree_.write("sub/.ssh/id_rsa", "key");
  login_alice();
  const std::string refused = "550 Permission denied: names starting with '.' are hidden.\r\n";
  EXPECT_EQ(send("SIZE .env"), refused);
  EXPECT_EQ(send("SIZE .missing"), refused);
  for (const char* line : {"MDTM .env", "MLST .env", "STAT .env", "STAT .git", "CWD .git", "CWD /sub/.ssh",
                           "SIZE .git/config", "SIZE sub/.ssh/id_rsa", "SIZE /sub/../.env", "MLST sub/.ssh",
                           "DELE .env", "RMD .git", "RNFR .env", "MKD .new", "MKD sub/.new", "XCWD .git"}) {
    EXPECT_EQ(code(line), 550) << line;
  }
  EXPECT_EQ(code("CWD sub"), 250);
  EXPECT_EQ(code("SIZE .ssh/id_rsa"), 550);
  EXPECT_EQ(code("CWD .ssh"), 550);
  EXPECT_EQ(code("CWD /.git/.."), 250);  // "/": nothing hidden is reached
  EXPECT_EQ(code("RNFR file.txt"), 350);
  EXPECT_EQ(code("RNTO .hidden"), 550);  // a rename cannot hide a file either
  EXPECT_EQ(code("RNFR file.txt"), 350);
  EXPECT_EQ(code("RNTO sub/.ssh/file.txt"), 550);
  EXPECT_TRUE(tree_.exists("file.txt"));
  EXPECT_TRUE(tree_.exists(".env"));
  EXPECT_TRUE(tree_.exists(".git/config"));
  EXPECT_FALSE(tree_.exists(".new"));
  EXPECT_FALSE(tree_.exists(".hidden"));
}

TEST_F(SessionTest, DotfilesAllowed) {
  config_.allow_dotfiles = true;
  tree_.write(".env", "SECRET=1");
  tree_.write(".muxd-upload-0000000000000001", "partial");
  login_alice();
  EXPECT_EQ(send("SIZE .env"), "213 8\r\n");
  EXPECT_EQ(code("MKD .made"), 257);
  EXPECT_EQ(code("CWD .made"), 250);
  EXPECT_EQ(code("CWD /"), 250);
  EXPECT_EQ(code("RNFR .env"), 350);
  EXPECT_EQ(code("RNTO .env2"), 250);
  EXPECT_EQ(code("SIZE .muxd-upload-0000000000000001"), 550);  // upload temporaries stay private
  EXPECT_TRUE(tree_.exists(".env2"));
}

TEST_F(SessionTest, StatOfADirectoryLeavesDotfilesOut) {
  tree_.write(".env", "x");
  tree_.write("sub/.hidden", "x");
  login_anonymous();
  std::string status = send("STAT /");
  EXPECT_NE(status.find(" file.txt\r\n"), std::string::npos);
  EXPECT_EQ(status.find(".env"), std::string::npos);
  EXPECT_EQ(send("STAT sub").find(".hidden"), std::string::npos);
  config_.allow_dotfiles = true;
  EXPECT_NE(send("STAT /").find(" .env\r\n"), std::string::npos);
}

TEST_F(SessionTest, Mlst) {
  struct utimbuf times{kNow, kNow};
  ::utime(tree_.at("file.txt").c_str(), &times);
  login_anonymous();
  EXPECT_EQ(send("MLST file.txt"),
            "250-Listing /file.txt\r\n type=file;size=5;modify=20231114221320;perm=r; /file.txt\r\n"
            "250 End\r\n");
  EXPECT_EQ(code("OPTS MLST size;"), 200);
  EXPECT_EQ(send("MLST file.txt"), "250-Listing /file.txt\r\n size=5; /file.txt\r\n250 End\r\n");
  EXPECT_EQ(code("MLST missing"), 550);
}

}  // namespace
}  // namespace muxd::ftp
