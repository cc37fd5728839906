#include "http/basic_auth.h"

#include <gtest/gtest.h>

#include "http/htpasswd.h"

namespace muxd::http {
namespace {

// openssl passwd -6 -salt saltsalt secret / 'pä:ss'; python crypt, bcrypt cost 4, 'pw'.
constexpr std::string_view kSha512Secret =
    "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
constexpr std::string_view kSha512Utf8 =
    "$6$saltsalt$01J4h5NrrQ.dA/ZXpTF8dFbjCXXY9sRHUbrXGiyAOJbt1rOZPcEu6GwaizN4CZ6hXdGUAi9avtx6mqu3domaa/";
constexpr std::string_view kBcryptPw = "$2b$04$aaaaaaaaaaaaaaaaaaaaaOqgHHdKuqfi7AP.TwHblFR2ASFq1GtMe";

std::string file_of(std::initializer_list<std::string_view> lines) {
  std::string text;
  for (auto line : lines) text.append(line).push_back('\n');
  return text;
}

std::string error_of(std::string_view text) {
  try {
    Htpasswd::parse(text, "users");
  } catch (const HtpasswdError& error) {
    return error.what();
  }
  return "";
}

TEST(Htpasswd, ParsesBcryptAndSha512LinesSkippingCommentsAndBlanks) {
  std::string text = "# users\n\nalice:" + std::string(kSha512Secret) + "\r\nbob:" + std::string(kBcryptPw) +
                     ":extra field\n";
  Htpasswd users = Htpasswd::parse(text, "users");
  EXPECT_EQ(users.size(), 2u);
  ASSERT_NE(users.find("alice"), nullptr);
  EXPECT_EQ(*users.find("alice"), kSha512Secret);
  EXPECT_EQ(*users.find("bob"), kBcryptPw);
  EXPECT_EQ(users.find("carol"), nullptr);
}

TEST(Htpasswd, RefusesOtherSchemesWithFileAndLine) {
  EXPECT_EQ(error_of("# x\nalice:$apr1$abc$def\n").rfind("users:2: $apr1$", 0), 0u) << error_of("# x\nalice:$apr1$abc$def\n");
  EXPECT_NE(error_of("alice:{SHA}abc=\n").find("users:1: {SHA}"), std::string::npos);
  EXPECT_NE(error_of("alice:plain\n").find("users:1: unsupported hash scheme"), std::string::npos);
  EXPECT_NE(error_of("alice:$2a$04$aaaaaaaaaaaaaaaaaaaaaOqgHHdKuqfi7AP.TwHblFR2ASFq1GtMe\n").find("users:1:"),
            std::string::npos);
}

TEST(Htpasswd, RefusesMalformedLines) {
  EXPECT_NE(error_of("alice\n").find("users:1: expected user:hash"), std::string::npos);
  EXPECT_NE(error_of(":" + std::string(kBcryptPw) + "\n").find("users:1: empty user name"), std::string::npos);
  EXPECT_NE(error_of("a:$2y$04$short\n").find("users:1: a bcrypt hash is 60"), std::string::npos);
  EXPECT_NE(error_of("a:$2y$99$aaaaaaaaaaaaaaaaaaaaaOqgHHdKuqfi7AP.TwHblFR2ASFq1GtMe\n").find("cost"), std::string::npos);
  EXPECT_NE(error_of("a:$6$salt$tooshort\n").find("86"), std::string::npos);
  std::string twice = file_of({"a:" + std::string(kBcryptPw), "", "a:" + std::string(kSha512Secret)});
  EXPECT_NE(error_of(twice).find("users:3: user 'a' appears twice"), std::string::npos);
  EXPECT_NE(error_of("# only a comment\n").find("users: no users"), std::string::npos);
}

TEST(Htpasswd, AcceptsSha512WithRounds) {
  EXPECT_EQ(check_hash_format("$6$rounds=5000$saltsalt$" + std::string(86, 'a')), "");
  EXPECT_NE(check_hash_format("$6$rounds=x$saltsalt$" + std::string(86, 'a')), "");
}

TEST(Htpasswd, VerifiesThroughLibcrypt) {
  EXPECT_TRUE(Htpasswd::verify("secret", std::string(kSha512Secret)));
  EXPECT_FALSE(Htpasswd::verify("Secret", std::string(kSha512Secret)));
  EXPECT_TRUE(Htpasswd::verify("pw", std::string(kBcryptPw)));
  EXPECT_FALSE(Htpasswd::verify("pw2", std::string(kBcryptPw)));
  EXPECT_TRUE(Htpasswd::verify("p\xc3\xa4:ss", std::string(kSha512Utf8)));
  EXPECT_FALSE(Htpasswd::verify(std::string_view("secret\0x", 8), std::string(kSha512Secret)));
}

TEST(ConstantTimeEqual, ComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "xbc"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal(std::string_view("a\0c", 3), std::string_view("a\0d", 3)));
}

TEST(Base64, DecodesRfc4648Vectors) {
  EXPECT_EQ(decode_base64(""), "");
  EXPECT_EQ(decode_base64("Zg=="), "f");
  EXPECT_EQ(decode_base64("Zm8="), "fo");
  EXPECT_EQ(decode_base64("Zm9v"), "foo");
  EXPECT_EQ(decode_base64("Zm9vYmFy"), "foobar");
  EXPECT_EQ(decode_base64("Zm9vYg=="), "foob");
}

TEST(Base64, RefusesMalformedInput) {
  EXPECT_FALSE(decode_base64("Zg"));       // no padding
  EXPECT_FALSE(decode_base64("Zg=a"));     // data after '='
  EXPECT_FALSE(decode_base64("Z==="));     // too much padding
  EXPECT_FALSE(decode_base64("Zh=="));     // non-zero pad bits
  EXPECT_FALSE(decode_base64("Zm9v Zm9v"));
  EXPECT_FALSE(decode_base64("Zm9-"));     // base64url is not base64
  EXPECT_FALSE(decode_base64("Zg==Zg=="));  // padding mid-way
}

TEST(BasicAuthorization, ParsesRfc7617Example) {
  auto credentials = parse_basic_authorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "Aladdin");
  EXPECT_EQ(credentials->password, "open sesame");
}

TEST(BasicAuthorization, SchemeIsCaseInsensitiveAndPasswordMayHoldColons) {
  auto credentials = parse_basic_authorization("bAsIc   dTpwOnc6eA==");  // u:p:w:x
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "u");
  EXPECT_EQ(credentials->password, "p:w:x");
  credentials = parse_basic_authorization("Basic dTo=");  // "u:", empty password
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->password, "");
}

TEST(BasicAuthorization, KeepsUtf8AsSent) {
  // RFC 7617 §2.1's example: "test:123£" in UTF-8.
  auto credentials = parse_basic_authorization("Basic dGVzdDoxMjPCow==");
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->user, "test");
  EXPECT_EQ(credentials->password, "123\xc2\xa3");
}

TEST(BasicAuthorization, RefusesWhatIsNotBasicCredentials) {
  EXPECT_FALSE(parse_basic_authorization(""));
  EXPECT_FALSE(parse_basic_authorization("Basic"));
  EXPECT_FALSE(parse_basic_authorization("Basic "));
  EXPECT_FALSE(parse_basic_authorization("Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
  EXPECT_FALSE(parse_basic_authorization("BasicQWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
  EXPECT_FALSE(parse_basic_authorization("Basic dXNlcg=="));  // "user": no colon
  EXPECT_FALSE(parse_basic_authorization("Basic dTpwCng="));  // "u:p\nx": a control character
  EXPECT_FALSE(parse_basic_authorization("Basic AHU6cA=="));  // "\0u:p"
  EXPECT_FALSE(parse_basic_authorization("Basic !!!!"));
}

class BasicAuthTest : public ::testing::Test {
 protected:
  static BasicAuth make(BasicAuth::Limits limits = {}) {
    return BasicAuth(Htpasswd::parse("alice:" + std::string(kSha512Secret) + "\n", "users"), "Team \"A\"", limits);
  }
  SocketAddress client = *SocketAddress::parse("192.0.2.1:1234");
  BasicAuth::Clock::time_point t0 = BasicAuth::Clock::time_point{} + std::chrono::hours(1);
  static constexpr std::string_view kAlice = "Basic YWxpY2U6c2VjcmV0";   // alice:secret
  static constexpr std::string_view kWrong = "Basic YWxpY2U6d3Jvbmc=";   // alice:wrong
  static constexpr std::string_view kNobody = "Basic Ym9iOnNlY3JldA==";  // bob:secret
};

TEST_F(BasicAuthTest, ChallengeQuotesTheRealmAndNamesUtf8) {
  EXPECT_EQ(make().challenge(), "Basic realm=\"Team \\\"A\\\"\", charset=\"UTF-8\"");
}

TEST_F(BasicAuthTest, MissingOrMalformedIsDeniedWithoutHashing) {
  BasicAuth auth = make();
  EXPECT_EQ(auth.check("", client, t0).outcome, BasicAuth::Outcome::denied);
  EXPECT_EQ(auth.check("Basic nope", client, t0).outcome, BasicAuth::Outcome::denied);
}

TEST_F(BasicAuthTest, VerifiedCredentialsAreCachedUntilTheTtl) {
  BasicAuth auth = make({.cache_ttl = std::chrono::seconds(60)});
  EXPECT_EQ(auth.check(kAlice, client, t0).outcome, BasicAuth::Outcome::verify);
  EXPECT_TRUE(auth.verify(kAlice, t0));
  BasicAuth::Check hit = auth.check(kAlice, client, t0 + std::chrono::seconds(59));
  EXPECT_EQ(hit.outcome, BasicAuth::Outcome::allowed);
  EXPECT_EQ(hit.user, "alice");
  EXPECT_EQ(auth.check(kAlice, client, t0 + std::chrono::seconds(61)).outcome, BasicAuth::Outcome::verify);
}

TEST_F(BasicAuthTest, WrongPasswordsAndUnknownUsersAreNotCached) {
  BasicAuth auth = make();
  EXPECT_FALSE(auth.verify(kWrong, t0));
  EXPECT_FALSE(auth.verify(kNobody, t0));
  EXPECT_EQ(auth.cached(), 0u);
  EXPECT_EQ(auth.check(kWrong, client, t0).outcome, BasicAuth::Outcome::verify);
}

TEST_F(BasicAuthTest, AnAddressRunsOutOfChecksThenRefills) {
  BasicAuth auth = make({.checks_per_second = 1, .checks_burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(auth.check(kWrong, client, t0).outcome, BasicAuth::Outcome::verify);
  EXPECT_EQ(auth.check(kWrong, client, t0).outcome, BasicAuth::Outcome::throttled);
  // Another port of the same host is the same client; another host is not.
  EXPECT_EQ(auth.check(kWrong, client.with_port(999), t0).outcome, BasicAuth::Outcome::throttled);
  EXPECT_EQ(auth.check(kWrong, *SocketAddress::parse("192.0.2.2:1"), t0).outcome, BasicAuth::Outcome::verify);
  EXPECT_EQ(auth.check(kWrong, client, t0 + std::chrono::seconds(1)).outcome, BasicAuth::Outcome::verify);
}

TEST_F(BasicAuthTest, CachedCredentialsPassEvenWhenThrottled) {
  BasicAuth auth = make({.checks_per_second = 1, .checks_burst = 1});
  EXPECT_EQ(auth.check(kAlice, client, t0).outcome, BasicAuth::Outcome::verify);
  ASSERT_TRUE(auth.verify(kAlice, t0));
  EXPECT_EQ(auth.check(kWrong, client, t0).outcome, BasicAuth::Outcome::throttled);
  EXPECT_EQ(auth.check(kAlice, client, t0).outcome, BasicAuth::Outcome::allowed);
}

TEST_F(BasicAuthTest, TheCacheIsBounded) {
  BasicAuth auth(Htpasswd::parse("alice:" + std::string(kSha512Secret) + "\nbob:" + std::string(kBcryptPw) + "\n", "u"),
                 "r", {.cache_entries = 1});
  ASSERT_TRUE(auth.verify(kAlice, t0));
  ASSERT_TRUE(auth.verify("Basic Ym9iOnB3", t0));  // bob:pw
  EXPECT_EQ(auth.cached(), 1u);
}

}  // namespace
}  // namespace muxd::http
