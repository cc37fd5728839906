#include <unistd.h>

#include "session_fixture.h"

namespace muxd::ftp {
namespace {

using testing::SessionTest;

std::string drain(ListingStream& listing) {
  std::string out;
  while (listing.fill(out, out.size() + 4096)) {
  }
  return out;
}

TEST_F(SessionTest, TransfersNeedADataConnectionFirst) {
  login_anonymous();
  EXPECT_EQ(send("RETR file.txt"), "425 Use PORT, PASV, EPRT or EPSV first.\r\n");
  EXPECT_EQ(code("LIST"), 425);
  EXPECT_EQ(code("STOR x"), 425);
}

TEST_F(SessionTest, Pasv) {
  login_anonymous();
  EXPECT_EQ(send("PASV"), "");
  EXPECT_TRUE(holds<OpenPassive>(actions()));
  session().on_passive_opened(50000);
  EXPECT_EQ(session().take_replies(), "227 Entering Passive Mode (127,0,0,1,195,80).\r\n");
}

TEST_F(SessionTest, EpsvAndItsFailure) {
  login_anonymous();
  send("EPSV");
  session().on_passive_opened(std::nullopt);
  EXPECT_EQ(session().take_replies(), "425 Cannot open a passive data connection.\r\n");
  send("EPSV 1");
  session().on_passive_opened(1025);
  EXPECT_EQ(session().take_replies(), "229 Entering Extended Passive Mode (|||1025|)\r\n");
  EXPECT_EQ(send("EPSV 2"), "522 Network protocol not supported, use (1)\r\n");
  EXPECT_EQ(code("EPSV 9"), 501);
}

TEST_F(SessionTest, EpsvAllRefusesOtherSetups) {
  login_anonymous();
  EXPECT_EQ(code("EPSV ALL"), 200);
  EXPECT_EQ(code("PASV"), 503);
  EXPECT_EQ(code("PORT 127,0,0,1,7,208"), 503);
  EXPECT_EQ(code("EPRT |1|127.0.0.1|2000|"), 503);
  send("EPSV");
  EXPECT_TRUE(holds<OpenPassive>(actions()));
}

TEST_F(SessionTest, PortGoesOnlyToTheClientsOwnUnprivilegedPorts) {
  login_anonymous();
  EXPECT_EQ(send("PORT 127,0,0,1,7,208"), "200 PORT command successful.\r\n");
  EXPECT_EQ(code("PORT 10,0,0,1,7,208"), 504);  // bounce to another host
  EXPECT_EQ(code("PORT 127,0,0,1,0,21"), 504);  // privileged port
  EXPECT_EQ(code("PORT 127,0,0,1,3,255"), 504);  // 1023
  EXPECT_EQ(code("PORT 127,0,0,1,4,0"), 200);    // 1024
  EXPECT_EQ(code("PORT 1,2,3"), 501);
  EXPECT_EQ(code("EPRT |1|127.0.0.1|2000|"), 200);
  EXPECT_EQ(code("EPRT |1|192.168.0.1|2000|"), 504);
  EXPECT_EQ(code("EPRT |2|::1|2000|"), 504);
  EXPECT_EQ(code("EPRT |7|x|2000|"), 522);
  EXPECT_EQ(code("EPRT garbage"), 501);
}

TEST_F(SessionTest, PortAfterPasvClosesTheListener) {
  login_anonymous();
  passive();
  code("PORT 127,0,0,1,7,208");
  EXPECT_TRUE(holds<ClosePassive>(actions()));
}

TEST_F(SessionTest, RetrSendsTheFileRange) {
  login_anonymous();
  passive();
  code("TYPE I");
  EXPECT_EQ(send("RETR file.txt"), "150 Opening BINARY mode data connection for file.txt (5 bytes).\r\n");
  StartTransfer start = started();
  EXPECT_FALSE(start.connect_to);
  auto& file = std::get<SendFile>(start.payload);
  EXPECT_TRUE(file.file.valid());
  EXPECT_EQ(file.offset, 0u);
  EXPECT_EQ(file.length, 5u);
  EXPECT_TRUE(session().transfer_active());
  EXPECT_EQ(finish(), "226 Transfer complete.\r\n");
  EXPECT_FALSE(session().transfer_active());
  EXPECT_EQ(code("RETR file.txt"), 425);  // each transfer sets up its own connection
}

TEST_F(SessionTest, RetrInActiveModeConnects) {
  login_anonymous();
  code("PORT 127,0,0,1,7,208");
  EXPECT_EQ(code("RETR file.txt"), 150);
  StartTransfer start = started();
  ASSERT_TRUE(start.connect_to);
  EXPECT_EQ(start.connect_to->to_string(), "127.0.0.1:2000");
}

TEST_F(SessionTest, RestartedRetr) {
  login_anonymous();
  EXPECT_EQ(send("REST 2"), "350 Restarting at 2. Send STOR or RETR.\r\n");
  passive();
  EXPECT_EQ(code("RETR file.txt"), 150);
  auto start = started();
  EXPECT_EQ(std::get<SendFile>(start.payload).offset, 2u);
  EXPECT_EQ(std::get<SendFile>(start.payload).length, 3u);
  finish();
  passive();
  EXPECT_EQ(code("RETR file.txt"), 150);  // the offset was used up
  EXPECT_EQ(std::get<SendFile>(started().payload).offset, 0u);
}

TEST_F(SessionTest, RestErrors) {
  login_anonymous();
  EXPECT_EQ(code("REST -1"), 501);
  EXPECT_EQ(code("REST 1x"), 501);
  EXPECT_EQ(code("REST 99999999999999999999"), 501);
  EXPECT_EQ(code("REST 6"), 350);
  passive();
  EXPECT_EQ(code("RETR file.txt"), 554);
}

TEST_F(SessionTest, RetrRefusals) {
  login_anonymous();
  passive();
  EXPECT_EQ(code("RETR missing"), 550);
  EXPECT_EQ(code("RETR sub"), 550);
  EXPECT_EQ(code("RETR link-out"), 550);
  EXPECT_EQ(code("RETR ../../../etc/passwd"), 550);
  EXPECT_EQ(code("RETR /etc/passwd"), 550);
  EXPECT_TRUE(actions().empty());
}

TEST_F(SessionTest, AnonymousUsersMayNotUploadByDefault) {
  login_anonymous();
  passive();
  EXPECT_EQ(send("STOR new"), "550 Permission denied: anonymous users may only list and download.\r\n");
  EXPECT_EQ(code("STOR file.txt"), 550);
  EXPECT_EQ(code("APPE file.txt"), 550);
  EXPECT_EQ(code("APPE new"), 550);
  code("REST 1");
  EXPECT_EQ(code("STOR file.txt"), 550);
  EXPECT_EQ(tree_.read("file.txt"), "hello");
  EXPECT_EQ(tree_.names(), (std::vector<std::string>{"file.txt", "link-out", "sub"}));
  EXPECT_TRUE(actions().empty());
  EXPECT_EQ(code("RETR file.txt"), 150);  // downloads are fine
}

TEST_F(SessionTest, AnonymousWriteLetsAnonymousUpload) {
  config_.anonymous_write = true;
  login_anonymous();
  passive();
  EXPECT_EQ(send("STOR new file.bin"), "150 Ok to send data.\r\n");
  auto start = started();
  int fd = std::get<ReceiveFile>(start.payload).fd;
  ASSERT_EQ(::write(fd, "payload", 7), 7);
  EXPECT_FALSE(tree_.exists("new file.bin"));
  EXPECT_EQ(finish(), "226 Transfer complete.\r\n");
  EXPECT_EQ(tree_.read("new file.bin"), "payload");
  EXPECT_EQ(tree_.names().size(), 4u);  // sub, file.txt, link-out, new file.bin
  passive();
  EXPECT_EQ(code("APPE new file.bin"), 150);  // a named user's rights: appends and overwrites too
  ASSERT_EQ(::write(std::get<ReceiveFile>(started().payload).fd, "+", 1), 1);
  finish();
  EXPECT_EQ(tree_.read("new file.bin"), "payload+");
}

TEST_F(SessionTest, ReadOnlyOverridesAnonymousWrite) {
  config_.anonymous_write = true;
  config_.read_only = true;
  login_anonymous();
  passive();
  EXPECT_EQ(send("STOR new"), "550 Permission denied: the server is read-only.\r\n");
  EXPECT_FALSE(tree_.exists("new"));
}

TEST_F(SessionTest, InterruptedUploadLeavesNothing) {
  login_alice();
  passive();
  EXPECT_EQ(code("STOR partial"), 150);
  int fd = std::get<ReceiveFile>(started().payload).fd;
  ASSERT_EQ(::write(fd, "half", 4), 4);
  EXPECT_EQ(finish(TransferResult::connection_lost), "426 Connection closed; transfer aborted.\r\n");
  EXPECT_EQ(tree_.names(), (std::vector<std::string>{"file.txt", "link-out", "sub"}));
}

TEST_F(SessionTest, UserOverwritesAppendsAndResumes) {
  login_alice();
  passive();
  EXPECT_EQ(code("STOR file.txt"), 150);
  ASSERT_EQ(::write(std::get<ReceiveFile>(started().payload).fd, "new", 3), 3);
  EXPECT_EQ(tree_.read("file.txt"), "hello");  // still whole until the end
  finish();
  EXPECT_EQ(tree_.read("file.txt"), "new");
  passive();
  EXPECT_EQ(code("APPE file.txt"), 150);
  ASSERT_EQ(::write(std::get<ReceiveFile>(started().payload).fd, "er", 2), 2);
  finish();
  EXPECT_EQ(tree_.read("file.txt"), "newer");
  code("REST 3");
  passive();
  EXPECT_EQ(code("STOR file.txt"), 150);
  ASSERT_EQ(::write(std::get<ReceiveFile>(started().payload).fd, "ly", 2), 2);
  finish();
  EXPECT_EQ(tree_.read("file.txt"), "newly");
}

TEST_F(SessionTest, UploadRefusals) {
  login_alice();
  passive();
  EXPECT_EQ(code("STOR sub"), 550);
  EXPECT_EQ(code("STOR missing-dir/x"), 550);
  EXPECT_EQ(code("STOR link-out"), 550);
  EXPECT_EQ(code("STOR ../x"), 550);
  EXPECT_EQ(code("STOR .muxd-upload-0000000000000000"), 550);
  code("REST 10");
  EXPECT_EQ(code("STOR file.txt"), 554);
  code("REST 1");
  EXPECT_EQ(code("STOR nothing-to-resume"), 550);
  EXPECT_EQ(outside_.read("secret"), "outside");
  EXPECT_TRUE(actions().empty());
}

TEST_F(SessionTest, ReadOnlyRefusesUploads) {
  config_.read_only = true;
  login_alice();
  passive();
  EXPECT_EQ(code("STOR new"), 550);
  EXPECT_FALSE(tree_.exists("new"));
}

TEST_F(SessionTest, ListStreamsTheDirectory) {
  login_anonymous();
  passive();
  EXPECT_EQ(send("LIST -la"), "150 Here comes the directory listing.\r\n");
  auto start = started();
  std::string listing = drain(*std::get<SendListing>(start.payload).listing);
  EXPECT_NE(listing.find(" file.txt\r\n"), std::string::npos);
  EXPECT_NE(listing.find("d"), std::string::npos);
  EXPECT_EQ(listing.find("link-out"), std::string::npos);
  EXPECT_EQ(finish(), "226 Transfer complete.\r\n");
}

TEST_F(SessionTest, NlstAndMlsd) {
  login_anonymous();
  passive();
  EXPECT_EQ(code("NLST sub"), 150);
  EXPECT_EQ(drain(*std::get<SendListing>(started().payload).listing), "inner\r\n");
  finish();
  passive();
  EXPECT_EQ(code("MLSD sub"), 150);
  std::string facts = drain(*std::get<SendListing>(started().payload).listing);
  EXPECT_EQ(facts.substr(0, 16), "type=file;size=2");
  finish();
  passive();
  EXPECT_EQ(code("MLSD file.txt"), 501);
  EXPECT_EQ(code("NLST file.txt"), 150);
  EXPECT_EQ(drain(*std::get<SendListing>(started().payload).listing), "file.txt\r\n");
}

TEST_F(SessionTest, ListRefusals) {
  login_anonymous();
  passive();
  EXPECT_EQ(code("LIST missing"), 550);
  EXPECT_EQ(code("LIST .."), 550);
  EXPECT_EQ(code("MLSD link-out"), 550);
}

TEST_F(SessionTest, AborDuringATransfer) {
  login_alice();
  passive();
  code("STOR partial");
  started();
  EXPECT_EQ(send("ABOR"), "426 Transfer aborted.\r\n226 ABOR successful.\r\n");
  EXPECT_TRUE(holds<AbortTransfer>(actions()));
  EXPECT_FALSE(session().transfer_active());
  EXPECT_EQ(finish(), "");  // a late report from the driver is ignored
  EXPECT_FALSE(tree_.exists("partial"));
  EXPECT_EQ(tree_.names().size(), 3u);
}

TEST_F(SessionTest, AborWithoutATransfer) {
  login_anonymous();
  EXPECT_EQ(send("ABOR"), "225 No transfer to abort.\r\n");
  passive();
  EXPECT_EQ(code("ABOR"), 225);
  EXPECT_TRUE(holds<ClosePassive>(actions()));
  EXPECT_EQ(code("RETR file.txt"), 425);
}

TEST_F(SessionTest, NoopAndStatAnswerDuringATransfer) {
  login_anonymous();
  passive();
  code("RETR file.txt");
  started();
  EXPECT_EQ(code("NOOP"), 200);
  session().on_transfer_progress(3);
  std::string status = send("STAT");
  EXPECT_NE(status.find(" RETR in progress: 3 bytes transferred\r\n"), std::string::npos);
}

TEST_F(SessionTest, OtherCommandsWaitForTheTransfer) {
  login_anonymous();
  passive();
  code("RETR file.txt");
  started();
  EXPECT_EQ(send("CWD sub"), "");
  EXPECT_EQ(send("PWD"), "");
  EXPECT_EQ(finish(), "226 Transfer complete.\r\n250 Directory successfully changed.\r\n"
                      "257 \"/sub\" is the current directory.\r\n");
}

TEST_F(SessionTest, QueuedCommandsStopAtTheNextTransfer) {
  login_anonymous();
  passive();
  code("RETR file.txt");
  started();
  send("PASV");
  send("RETR file.txt");
  send("PWD");
  finish();
  auto list = actions();
  ASSERT_TRUE(holds<OpenPassive>(list));
  session().on_passive_opened(50001);
  EXPECT_EQ(last_code(session().take_replies()), 150);  // 227, then RETR's 150; PWD waits
  started();
  EXPECT_EQ(last_code(finish()), 257);
}

TEST_F(SessionTest, TooManyQueuedCommandsClose) {
  login_anonymous();
  passive();
  code("RETR file.txt");
  started();
  for (size_t i = 0; i < kMaxQueuedCommands; ++i) EXPECT_EQ(send("PWD"), "");
  EXPECT_EQ(code("PWD"), 421);
  auto list = actions();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_TRUE(holds<AbortTransfer>(list, 0));
  EXPECT_TRUE(holds<CloseControl>(list, 1));
}

TEST_F(SessionTest, QuitDuringATransferWaitsForIt) {
  login_anonymous();
  passive();
  code("RETR file.txt");
  started();
  EXPECT_EQ(send("QUIT"), "");
  EXPECT_EQ(finish(), "226 Transfer complete.\r\n221 Goodbye.\r\n");
  EXPECT_TRUE(holds<CloseControl>(actions()));
}

TEST_F(SessionTest, QuitDuringAnUploadCommitsItAfterTheEnd) {
  login_alice();
  passive();
  code("STOR quitter");
  int fd = std::get<ReceiveFile>(started().payload).fd;
  ASSERT_EQ(::write(fd, "all", 3), 3);
  EXPECT_FALSE(session().quit_requested());
  EXPECT_EQ(send("QUIT"), "");
  EXPECT_TRUE(session().quit_requested());  // the driver commits a held upload on this
  EXPECT_EQ(finish(), "226 Transfer complete.\r\n221 Goodbye.\r\n");
  EXPECT_EQ(tree_.read("quitter"), "all");
}

// Only a whole-file upload goes through a temporary file that the driver may
// still discard at the end (a killed client); appends and resumes write in place.
TEST_F(SessionTest, UploadsSayWhetherTheyAreRenamedAtTheEnd) {
  login_alice();
  auto renamed = [&](const std::string& line) {
    passive();
    EXPECT_EQ(code(line), 150) << line;
    auto start = started();
    auto& file = std::get<ReceiveFile>(start.payload);
    EXPECT_EQ(::write(file.fd, "data", 4), 4);
    bool result = file.renamed_at_end;
    finish();
    return result;
  };
  EXPECT_TRUE(renamed("STOR brand-new"));
  EXPECT_TRUE(renamed("STOR file.txt"));  // overwrite
  EXPECT_FALSE(renamed("APPE file.txt"));
  code("REST 2");
  EXPECT_FALSE(renamed("STOR file.txt"));
  EXPECT_TRUE(renamed("APPE not-there-yet"));  // APPE of a new file creates it whole
}

TEST_F(SessionTest, TransferFailures) {
  login_anonymous();
  struct Case {
    TransferResult result;
    int error;
    std::string reply;
  };
  for (const Case& c : {Case{TransferResult::connect_failed, 0, "425 Cannot open data connection.\r\n"},
                        Case{TransferResult::timed_out, 0, "426 Data connection timed out; transfer aborted.\r\n"},
                        Case{TransferResult::local_error, ENOSPC, "452 Insufficient storage space.\r\n"},
                        Case{TransferResult::local_error, EIO, "451 Local error: Input/output error; transfer aborted.\r\n"}}) {
    passive();
    code("RETR file.txt");
    started();
    EXPECT_EQ(finish(c.result, c.error), c.reply);
  }
}

}  // namespace
}  // namespace muxd::ftp
