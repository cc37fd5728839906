#include "ftp/user_table.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace muxd::ftp {
namespace {

// `openssl passwd -6 -salt saltsalt secret`
constexpr const char* kSecretHash =
    "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";

std::string message_of(std::string_view text) {
  try {
    UserTable::parse(text, "users");
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

TEST(UserTable, VerifiesTheRightPasswordOnly) {
  UserTable table = UserTable::parse(std::string("alice:") + kSecretHash + "\n", "users");
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.verify("alice", "secret"));
  EXPECT_FALSE(table.verify("alice", "Secret"));
  EXPECT_FALSE(table.verify("alice", ""));
  EXPECT_FALSE(table.verify("bob", "secret"));
  EXPECT_FALSE(table.verify("alice", std::string("secret\0", 7)));
}

TEST(UserTable, PasswordLengthLimit) {
  UserTable table = UserTable::parse(std::string("alice:") + kSecretHash, "users");
  EXPECT_FALSE(table.verify("alice", std::string(kMaxPassword + 1, 'x')));
}

TEST(UserTable, SkipsCommentsBlankLinesAndCarriageReturns) {
  std::string text = std::string("# accounts\n\nalice:") + kSecretHash + "\r\n";
  EXPECT_TRUE(UserTable::parse(text, "users").verify("alice", "secret"));
}

TEST(UserTable, AcceptsExplicitRounds) {
  // python3 -c 'import crypt; print(crypt.crypt("pw", "$6$rounds=1000$abc"))'
  std::string line =
      "bob:$6$rounds=1000$abc$yxe0KSjmoHd8rpohJgwvF5lnIQ/9t.klcz24a1cca3nWm.PLUmhXgcGgKWCoRFHRHYxXj4SVEtjCnCAwaFY0V0";
  EXPECT_EQ(message_of(line), "");
  EXPECT_TRUE(UserTable::parse(line, "users").verify("bob", "pw"));
}

TEST(UserTable, ErrorsNameTheLine) {
  EXPECT_EQ(message_of("\nalice"), "users:2: expected name:hash");
  EXPECT_EQ(message_of("alice:$1$md5$abc"),
            "users:1: expected a SHA-512 crypt hash ($6$salt$...; see openssl passwd -6)");
  EXPECT_EQ(message_of("alice:plaintext"),
            "users:1: expected a SHA-512 crypt hash ($6$salt$...; see openssl passwd -6)");
}

TEST(UserTable, RefusesBadNamesAnonymousAndDuplicates) {
  std::string hash = kSecretHash;
  EXPECT_NE(message_of("a b:" + hash), "");
  EXPECT_NE(message_of(":" + hash), "");
  EXPECT_NE(message_of(".hidden:" + hash), "");
  EXPECT_EQ(message_of("anonymous:" + hash), "users:1: 'anonymous' is the anonymous account");
  EXPECT_EQ(message_of("FTP:" + hash), "users:1: 'FTP' is the anonymous account");
  EXPECT_EQ(message_of("a:" + hash + "\na:" + hash), "users:2: user 'a' appears twice");
}

TEST(UserTable, NameLengthLimit) {
  std::string hash = kSecretHash;
  EXPECT_EQ(message_of(std::string(kMaxUserName, 'a') + ":" + hash), "");
  EXPECT_NE(message_of(std::string(kMaxUserName + 1, 'a') + ":" + hash), "");
}

TEST(UserTable, RefusesMalformedSha512Hashes) {
  std::string good = kSecretHash;
  EXPECT_NE(message_of("a:" + good.substr(0, good.size() - 1)), "");   // digest too short
  EXPECT_NE(message_of("a:" + good + "x"), "");                         // too long
  EXPECT_NE(message_of("a:$6$$" + good.substr(12)), "");                // empty salt
  EXPECT_NE(message_of("a:$6$rounds=$abc$" + good.substr(12)), "");     // empty rounds
  EXPECT_NE(message_of("a:$6$12345678901234567$" + good.substr(12)), "");  // salt over 16
}

TEST(UserTable, UserCountLimit) {
  std::string text;
  for (size_t i = 0; i <= kMaxUsers; ++i) text += "u" + std::to_string(i) + ":" + kSecretHash + "\n";
  EXPECT_EQ(message_of(text), "users:" + std::to_string(kMaxUsers + 1) + ": too many users");
}

TEST(UserTable, LoadReportsAMissingFile) {
  EXPECT_THROW(UserTable::load("/nonexistent/users"), std::runtime_error);
}

TEST(UserTable, AnonymousNames) {
  EXPECT_TRUE(is_anonymous_name("anonymous"));
  EXPECT_TRUE(is_anonymous_name("FTP"));
  EXPECT_FALSE(is_anonymous_name("alice"));
  EXPECT_FALSE(is_anonymous_name("anonymous "));
}

}  // namespace
}  // namespace muxd::ftp
