// ~/.netrc parsing (netrc(5)), PWD replies, and who the ftp-client logs in as.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "ftp/client_app.h"
#include "ftp/ftp_client.h"
#include "ftp/netrc.h"

namespace muxd::ftp {
namespace {

TEST(Netrc, MachinesLoginsPasswordsAndDefault) {
  auto entries = parse_netrc(
      "machine ftp.example.org login alice password secret\n"
      "machine other\n\tlogin bob\n\tpassword \"two words\" account ignored\n"
      "default login anonymous password me@example.org\n");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].machine, "ftp.example.org");
  EXPECT_EQ(entries[0].login, "alice");
  EXPECT_EQ(entries[0].password, "secret");
  EXPECT_EQ(entries[1].password, "two words");
  EXPECT_EQ(entries[2].machine, "");
  EXPECT_EQ(entries[2].login, "anonymous");
}

TEST(Netrc, MacroBodiesAreSkipped) {
  auto entries = parse_netrc("machine a login x macdef init\nlogin evil\npassword evil\n\nmachine b login y\n");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].login, "x");
  EXPECT_FALSE(entries[0].password);
  EXPECT_EQ(entries[1].login, "y");
}

TEST(Netrc, FindPrefersTheMachineThenDefault) {
  auto entries = parse_netrc("machine Host login a password 1\nmachine host login b password 2\ndefault login c\n");
  EXPECT_EQ(find_netrc_entry(entries, "host")->login, "a");  // host names ignore case
  EXPECT_EQ(find_netrc_entry(entries, "host", "b")->login, "b");
  EXPECT_EQ(find_netrc_entry(entries, "elsewhere")->login, "c");
  EXPECT_FALSE(find_netrc_entry(entries, "elsewhere", "z"));
  EXPECT_FALSE(find_netrc_entry(parse_netrc("machine x login y\n"), "other"));
  EXPECT_TRUE(parse_netrc("").empty());
  EXPECT_TRUE(parse_netrc("login stray password stray").empty());
}

class NetrcFile : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/muxd-netrc-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/.netrc";
  }
  void TearDown() override {
    std::remove(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  void write(const std::string& text, mode_t mode) {
    std::ofstream(path_) << text;
    ::chmod(path_.c_str(), mode);
  }
  std::string dir_, path_;
};

TEST_F(NetrcFile, APasswordInAFileOthersCanReadIsRefused) {
  write("machine h login alice password secret\n", 0644);
  std::string error;
  EXPECT_FALSE(netrc_entry_for(path_, "h", "", &error));
  EXPECT_NE(error.find("can be read by others"), std::string::npos) << error;
  write("machine h login alice password secret\n", 0600);
  error.clear();
  auto entry = netrc_entry_for(path_, "h", "", &error);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->password, "secret");
  EXPECT_EQ(error, "");
}

TEST_F(NetrcFile, AnonymousPasswordsAndLoginsAloneAreFineAnywhere) {
  write("machine h login anonymous password me@x\nmachine g login bob\n", 0644);
  std::string error;
  EXPECT_EQ(netrc_entry_for(path_, "h", "", &error)->password, "me@x");
  EXPECT_EQ(netrc_entry_for(path_, "g", "", &error)->login, "bob");
  EXPECT_EQ(error, "");
  EXPECT_FALSE(netrc_entry_for(dir_ + "/missing", "h", "", &error));
  EXPECT_EQ(error, "");  // no file: no error
}

TEST_F(NetrcFile, ResolveLogin) {
  ClientOptions options;
  options.host = "h";
  options.netrc_path = path_;
  std::string error;
  auto never = [](const std::string&) -> std::optional<std::string> {
    ADD_FAILURE() << "asked";
    return std::nullopt;
  };
  // Nothing anywhere: anonymous.
  auto login = resolve_login(options, never, &error);
  ASSERT_TRUE(login);
  EXPECT_EQ(login->user, "anonymous");
  EXPECT_EQ(login->password, kAnonymousPassword);
  // ~/.netrc's machine.
  write("machine h login alice password secret\n", 0600);
  login = resolve_login(options, never, &error);
  EXPECT_EQ(login->user, "alice");
  EXPECT_EQ(login->password, "secret");
  // --user of another login: asked.
  options.user = "bob";
  std::string asked;
  login = resolve_login(options, [&](const std::string& prompt) -> std::optional<std::string> {
    asked = prompt;
    return "typed";
  }, &error);
  EXPECT_EQ(asked, "Password for bob@h: ");
  EXPECT_EQ(login->password, "typed");
  // Nobody to ask (piped): refused.
  EXPECT_FALSE(resolve_login(options, nullptr, &error));
  EXPECT_NE(error.find("no password for bob"), std::string::npos);
  // --password wins over everything.
  options.password = "given";
  login = resolve_login(options, never, &error);
  EXPECT_EQ(login->user, "bob");
  EXPECT_EQ(login->password, "given");
}

TEST(PwdReply, QuotedDirectoryWithDoubledQuotes) {
  EXPECT_EQ(FtpClient::parse_pwd_reply("\"/\" is the current directory"), "/");
  EXPECT_EQ(FtpClient::parse_pwd_reply("\"/a \"\"b\"\"\" is current"), "/a \"b\"");
  EXPECT_EQ(FtpClient::parse_pwd_reply("\"/with space\""), "/with space");
  EXPECT_FALSE(FtpClient::parse_pwd_reply("no quotes"));
  EXPECT_FALSE(FtpClient::parse_pwd_reply("\"/unterminated"));
}

}  // namespace
}  // namespace muxd::ftp
