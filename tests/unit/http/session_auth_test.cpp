// http::Session with --auth-file, --status-path and --health-path, driven with
// strings: the pause while a work thread hashes, and the resume.
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "http/basic_auth.h"
#include "http_test_support.h"
#include "http/metrics.h"
#include "http/session.h"

namespace muxd::http {
namespace {

using namespace std::chrono_literals;

// openssl passwd -6 -salt saltsalt secret
constexpr std::string_view kAliceHash =
    "$6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1";
constexpr std::string_view kAlice = "Basic YWxpY2U6c2VjcmV0";  // alice:secret
constexpr std::string_view kWrong = "Basic YWxpY2U6d3Jvbmc=";  // alice:wrong

std::string get(std::string_view path, std::string_view authorization = {}) {
  std::string request = "GET " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n";
  if (!authorization.empty()) request += "Authorization: " + std::string(authorization) + "\r\n";
  return request + "\r\n";
}

int count(std::string_view text, std::string_view what) {
  int n = 0;
  for (size_t at = 0; (at = text.find(what, at)) != std::string_view::npos; at += what.size()) ++n;
  return n;
}

class SessionAuthTest : public ::testing::Test {
 protected:
  SessionAuthTest() {
    tree_.write("a.txt", "hello");
    config_.root = tree_.path();
    config_.health_path = "/healthz";
    config_.status_path = "/metrics";
    config_.auth = &auth_;
    config_.metrics = &metrics_;
    config_.counters = &metrics_.worker(0);
  }

  // A work pool that runs nothing until the test says so.
  void offload() {
    shared_.offload_auth = [this](std::function<bool()> verify, std::function<void(bool)> done) {
      jobs_.push_back([verify = std::move(verify), done = std::move(done)] { done(verify()); });
      return true;
    };
  }
  std::unique_ptr<Session> session() {
    auto session = std::make_unique<Session>(shared_, *SocketAddress::parse("192.0.2.7:40000"));
    session->attach([this]() -> Resume { return [this](ResumeStep step) { steps_.push_back(std::move(step)); }; });
    return session;
  }
  // Offers `held_` (plus `more`) as SessionHost does, and returns what was sent.
  std::string offer(Session& session, std::string_view more = {}) {
    held_ += more;
    std::string sent;
    for (;;) {
      size_t used = session.on_data(held_, out_);
      held_.erase(0, used);
      bool answered = !out_.empty();
      sent += testing::drain(out_);
      if (!answered || used == 0 || held_.empty()) break;
    }
    return sent;
  }

  testing::TempTree tree_;
  DocumentRoot root_{tree_.path()};
  HttpConfig config_;
  BasicAuth auth_{Htpasswd::parse("alice:" + std::string(kAliceHash) + "\n", "users"), "r"};
  Metrics metrics_{1, "test"};
  SessionShared shared_{config_, root_, -1, [] { return std::chrono::steady_clock::now(); }};
  std::deque<std::function<void()>> jobs_;
  std::deque<ResumeStep> steps_;
  OutputQueue out_;
  std::string held_;
};

TEST_F(SessionAuthTest, InlineWithoutAWorkPool) {
  auto s = session();
  std::string sent = offer(*s, get("/a.txt") + get("/a.txt", kWrong) + get("/a.txt", kAlice));
  EXPECT_EQ(count(sent, "HTTP/1.1 401 Unauthorized\r\n"), 2) << sent;
  EXPECT_EQ(count(sent, "WWW-Authenticate: Basic realm=\"r\", charset=\"UTF-8\"\r\n"), 2);
  EXPECT_EQ(count(sent, "HTTP/1.1 200 OK\r\n"), 1);
  EXPECT_TRUE(sent.ends_with("hello"));
}

TEST_F(SessionAuthTest, AMissWaitsForTheWorkPoolThenAnswersInOrder) {
  offload();
  auto s = session();
  // A request without credentials is refused at once; the next one waits.
  std::string sent = offer(*s, get("/") + get("/a.txt", kAlice) + get("/a.txt", kAlice));
  EXPECT_EQ(count(sent, "HTTP/1.1 401"), 1) << sent;
  EXPECT_EQ(jobs_.size(), 1u);
  EXPECT_FALSE(s->wants(out_).read);
  EXPECT_EQ(offer(*s), "");  // offered again while waiting: nothing used, nothing submitted
  EXPECT_EQ(jobs_.size(), 1u);

  jobs_.front()();  // the work thread, then the completion on the loop
  jobs_.pop_front();
  ASSERT_EQ(steps_.size(), 1u);
  steps_.front()(out_);
  EXPECT_TRUE(s->wants(out_).read);
  sent = offer(*s);  // the driver delivers the held bytes again
  EXPECT_EQ(count(sent, "HTTP/1.1 200 OK\r\n"), 2) << sent;  // the second was a cache hit
  EXPECT_TRUE(held_.empty());
  EXPECT_EQ(jobs_.size(), 0u);
}

TEST_F(SessionAuthTest, AWrongPasswordFromTheWorkPoolIs401) {
  offload();
  auto s = session();
  EXPECT_EQ(offer(*s, get("/a.txt", kWrong)), "");
  jobs_.front()();
  steps_.front()(out_);
  std::string sent = offer(*s);
  EXPECT_EQ(count(sent, "HTTP/1.1 401"), 1) << sent;
}

TEST_F(SessionAuthTest, HealthIsOpenStatusIsBehindAuth) {
  auto s = session();
  std::string sent = offer(*s, get("/healthz") + get("/metrics") + get("/metrics", kAlice));
  EXPECT_NE(sent.find("HTTP/1.1 200 OK\r\n"), std::string::npos);
  EXPECT_NE(sent.find("\r\n\r\nok\n"), std::string::npos) << sent;
  EXPECT_EQ(count(sent, "HTTP/1.1 401"), 1);
  EXPECT_NE(sent.find("muxd_http_auth_verifications_total 1\n"), std::string::npos) << sent;
}

}  // namespace
}  // namespace muxd::http
