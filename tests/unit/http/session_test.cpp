// http::Session driven with strings, as the StreamSession contract allows
// (core/stream_session.h): a small driver keeps the bytes the session left
// unused and offers them again, "sends" the output queue by reading
// contents() and clearing it, and reads wants() the way SessionHost does.
#include "http/session.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "http_test_support.h"

namespace muxd::http {
namespace {

using namespace std::chrono_literals;
using testing::TempTree;
using Close = SessionWants::Close;

constexpr size_t kBigSize = 100'000;  // past the file cache's in-memory size: sent as a file range

std::string big_content() {
  std::string content(kBigSize, '\0');
  for (size_t i = 0; i < kBigSize; ++i) content[i] = static_cast<char>('a' + i % 23);
  return content;
}

std::string get(std::string_view path, std::string_view extra = "") {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n" + std::string(extra) + "\r\n";
}

// One response as received: the head (status line to blank line) and the body.
struct Response {
  int status = 0;
  std::string head;
  std::string body;

  bool has(std::string_view field) const { return head.find("\r\n" + std::string(field) + ": ") != std::string::npos; }
  std::string header(std::string_view field) const {
    std::string key = "\r\n" + std::string(field) + ": ";
    size_t at = head.find(key);
    if (at == std::string::npos) return "";
    at += key.size();
    return head.substr(at, head.find("\r\n", at) - at);
  }
};

// Splits a stream of responses (none to HEAD) by their Content-Length.
std::vector<Response> split(std::string_view stream) {
  std::vector<Response> responses;
  while (!stream.empty()) {
    size_t end = stream.find("\r\n\r\n");
    if (end == std::string_view::npos || stream.substr(0, 9) != "HTTP/1.1 ") {
      ADD_FAILURE() << "not a response: " << stream.substr(0, 200);
      break;
    }
    Response response;
    response.head = stream.substr(0, end + 4);
    stream.remove_prefix(end + 4);
    response.status = std::stoi(response.head.substr(9, 3));
    size_t length = 0;
    if (response.status >= 200 && response.status != 304) length = std::stoull(response.header("Content-Length"));
    if (length > stream.size()) {
      ADD_FAILURE() << "short body: " << length << " > " << stream.size();
      length = stream.size();
    }
    response.body = stream.substr(0, length);
    stream.remove_prefix(length);
    responses.push_back(std::move(response));
  }
  return responses;
}

std::vector<int> statuses(std::string_view stream) {
  std::vector<int> codes;
  for (const Response& response : split(stream)) codes.push_back(response.status);
  return codes;
}

// The real clock's Date differs between two runs a second apart.
std::string without_dates(std::string text) {
  for (size_t at; (at = text.find("\r\nDate: ")) != std::string::npos;) text.erase(at, text.find("\r\n", at + 2) - at);
  return text;
}

// The driver side of the contract, on strings.
class Client {
 public:
  Client(SessionShared& shared, std::string_view peer = "192.0.2.7:40000")
      : session_(std::make_unique<Session>(shared, *SocketAddress::parse(peer))) {}

  // Offers what is held plus `more`; keeps what was not used. Returns the
  // bytes used (of all that was offered).
  size_t offer(std::string_view more = {}) {
    held_.append(more);
    size_t used = session_->on_data(held_, out_);
    EXPECT_LE(used, held_.size());
    held_.erase(0, std::min(used, held_.size()));
    return used;
  }
  // What the queue holds, as the peer would receive it; the queue is then empty.
  std::string send() {
    std::string sent = out_.contents();
    EXPECT_EQ(sent.size(), out_.pending_bytes());
    out_.clear();
    return sent;
  }
  SessionWants wants() { return session_->wants(out_); }

  // What SessionHost does with one read: offer, send all, and offer the held
  // bytes again as long as the session answered something (it may have
  // stopped at its output budget); then ask wants() once.
  std::string exchange(std::string_view bytes) {
    size_t used = offer(bytes);
    std::string sent;
    for (;;) {
      bool answered = !out_.empty();
      sent += send();
      if (!answered || used == 0 || held_.empty()) break;
      used = offer();
    }
    last_ = wants();
    return sent;
  }

  void peer_closed() { session_->on_peer_closed(out_); }
  void timeout() { session_->on_timeout(out_); }
  void stop() { session_->on_stop(out_); }

  Session& session() { return *session_; }
  OutputQueue& out() { return out_; }
  const std::string& held() const { return held_; }
  const SessionWants& last() const { return last_; }
  void destroy() { session_.reset(); }

 private:
  std::unique_ptr<Session> session_;
  OutputQueue out_;
  std::string held_;
  SessionWants last_;
};

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() {
    tree_.write("a.txt", "hello");
    tree_.write("dir/index.html", "<p>index</p>");
    tree_.write("big.bin", big_content());
    config_.root = tree_.path();
    config_.limits = {.max_request_line = 200, .max_head_bytes = 512, .max_headers = 8, .max_body_bytes = 64};
  }
  ~SessionTest() override {
    shared_.reset();  // flushes the access log
    if (log_fd_ >= 0) ::close(log_fd_);
  }

  SessionShared& shared() {
    if (!shared_) shared_ = std::make_unique<SessionShared>(config_, root_, log_fd_, [this] { return now_; });
    return *shared_;
  }
  std::unique_ptr<Client> client(std::string_view peer = "192.0.2.7:40000") {
    return std::make_unique<Client>(shared(), peer);
  }

  // Access log lines go to an unlinked temp file (before shared() is first used).
  void log_to_file() {
    char name[] = "/tmp/muxd-http-session-log-XXXXXX";
    log_fd_ = ::mkstemp(name);
    ASSERT_GE(log_fd_, 0);
    ::unlink(name);
  }
  std::vector<std::string> log_lines() {
    shared().access_log.flush();
    std::string text;
    char chunk[4096];
    ssize_t n;
    for (off_t at = 0; (n = ::pread(log_fd_, chunk, sizeof chunk, at)) > 0; at += n) text.append(chunk, n);
    std::vector<std::string> lines;
    for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
      lines.push_back(text.substr(start, end - start));
    return lines;
  }

  TempTree tree_;
  DocumentRoot root_{tree_.path()};
  HttpConfig config_;
  int log_fd_ = -1;
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::time_point{} + 1000h;
  std::unique_ptr<SessionShared> shared_;
};

// --- one request ------------------------------------------------------------

TEST_F(SessionTest, SimpleGetGivesStatusHeadersAndBody) {
  auto c = client();
  std::string request = get("/a.txt");
  EXPECT_EQ(c->offer(request), request.size());
  EXPECT_TRUE(c->held().empty());
  std::string sent = c->send();
  EXPECT_EQ(sent.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << sent;
  auto responses = split(sent);
  ASSERT_EQ(responses.size(), 1u);
  const Response& r = responses[0];
  EXPECT_EQ(r.header("Server"), "muxd");
  EXPECT_FALSE(r.header("Date").empty());
  EXPECT_EQ(r.header("Content-Length"), "5");
  EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_TRUE(r.has("ETag"));
  EXPECT_TRUE(r.has("Last-Modified"));
  EXPECT_FALSE(r.has("Connection"));  // HTTP/1.1 keeps the connection without saying so
  EXPECT_EQ(r.body, "hello");
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::no);
  EXPECT_TRUE(w.read);
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.idle);
  EXPECT_TRUE(w.restart_timeout);
}

TEST_F(SessionTest, WhileTheResponseIsPendingItWantsTheWriteTimeoutAndNoInput) {
  auto c = client();
  c->offer(get("/a.txt"));
  ASSERT_FALSE(c->out().empty());
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::no);
  EXPECT_FALSE(w.read);
  EXPECT_EQ(w.timeout, kWriteTimeout);
  EXPECT_TRUE(w.restart_on_progress);
  EXPECT_TRUE(w.restart_timeout);  // a request was answered
  EXPECT_FALSE(w.idle);
  // Still pending at the next event: same timeout, no restart.
  w = c->wants();
  EXPECT_EQ(w.timeout, kWriteTimeout);
  EXPECT_FALSE(w.restart_timeout);
  EXPECT_FALSE(w.read);
  c->send();
  w = c->wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.read);
  EXPECT_TRUE(w.idle);
}

TEST_F(SessionTest, HeadOptionsAndErrorsOfTheSite) {
  auto c = client();
  std::string head = c->exchange("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(head.find("\r\nContent-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");  // no body
  EXPECT_EQ(c->last().close, Close::no);
  EXPECT_EQ(statuses(c->exchange("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")), std::vector<int>{200});
  EXPECT_EQ(statuses(c->exchange(get("/nope"))), std::vector<int>{404});
  EXPECT_EQ(statuses(c->exchange("BREW /a.txt HTTP/1.1\r\nHost: x\r\n\r\n")), std::vector<int>{501});
  EXPECT_EQ(statuses(c->exchange(get("/dir"))), std::vector<int>{301});
  // None of these ends the connection.
  EXPECT_EQ(c->last().close, Close::no);
  EXPECT_EQ(c->last().timeout, kIdleTimeout);
}

TEST_F(SessionTest, ANewSessionIsIdle) {
  auto c = client();
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::no);
  EXPECT_TRUE(w.read);
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.idle);
  EXPECT_FALSE(w.restart_timeout);
}

// --- keep-alive -------------------------------------------------------------

TEST_F(SessionTest, Http11KeepsTheConnection) {
  auto c = client();
  for (int i = 0; i < 3; ++i) {
    auto responses = split(c->exchange(get("/a.txt")));
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(responses[0].body, "hello");
    EXPECT_FALSE(responses[0].has("Connection"));
    EXPECT_EQ(c->last().close, Close::no);
    EXPECT_TRUE(c->last().read);
  }
}

TEST_F(SessionTest, Http10ClosesAfterTheResponseUnlessAskedToKeepAlive) {
  auto c = client();
  std::string sent = c->exchange("GET /a.txt HTTP/1.0\r\n\r\n");
  auto responses = split(sent);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_EQ(responses[0].body, "hello");
  EXPECT_EQ(c->last().close, Close::after_output);  // the request was whole: no lingering

  auto k = client();
  responses = split(k->exchange("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].header("Connection"), "keep-alive");
  EXPECT_EQ(k->last().close, Close::no);
  EXPECT_EQ(k->last().timeout, kIdleTimeout);
}

TEST_F(SessionTest, ConnectionCloseClosesAfterOutputWithoutLingering) {
  auto c = client();
  c->offer(get("/a.txt", "Connection: close\r\n"));
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::after_output);
  EXPECT_EQ(w.timeout, kWriteTimeout);
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_EQ(c->wants().close, Close::after_output);
}

TEST_F(SessionTest, NothingAfterConnectionCloseIsAnswered) {
  auto c = client();
  std::string first = get("/a.txt", "Connection: close\r\n");
  std::string second = get("/a.txt");
  EXPECT_EQ(c->offer(first + second), first.size());
  EXPECT_EQ(c->held(), second);
  EXPECT_EQ(statuses(c->send()), std::vector<int>{200});
  EXPECT_EQ(c->offer(), 0u);  // offered again after the output drained: still nothing
  EXPECT_TRUE(c->out().empty());
  EXPECT_EQ(c->wants().close, Close::after_output);
}

TEST_F(SessionTest, StoppingTurnsKeepAliveOff) {
  auto c = client();
  EXPECT_EQ(c->exchange(get("/a.txt")).find("Connection:"), std::string::npos);
  shared().stopping = true;
  auto responses = split(c->exchange(get("/a.txt")));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_EQ(c->last().close, Close::after_output);
  // An HTTP/1.0 keep-alive wish is refused too.
  auto d = client();
  responses = split(d->exchange("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_EQ(d->last().close, Close::after_output);
}

// --- pipelining and the output budget ----------------------------------------

TEST_F(SessionTest, PipelinedRequestsAreAnsweredInOrderInOneCall) {
  auto c = client();
  std::string all = get("/a.txt") + get("/nope") + "\r\n" + get("/dir/") + get("/dir") +
                    "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n";
  EXPECT_EQ(c->offer(all), all.size());
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 5u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(responses[0].body, "hello");
  EXPECT_EQ(responses[1].status, 404);
  EXPECT_EQ(responses[2].status, 200);
  EXPECT_EQ(responses[2].body, "<p>index</p>");
  EXPECT_EQ(responses[3].status, 301);
  EXPECT_EQ(responses[3].header("Location"), "/dir/");
  EXPECT_EQ(responses[4].status, 200);
  EXPECT_EQ(responses[4].header("Allow"), "GET, HEAD, OPTIONS");
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::no);
  EXPECT_EQ(w.timeout, kIdleTimeout);
}

TEST_F(SessionTest, APartialRequestAfterCompleteOnesIsHeld) {
  auto c = client();
  std::string first = get("/a.txt");
  std::string second = get("/dir/");
  EXPECT_EQ(c->offer(first + second.substr(0, 10)), first.size());
  EXPECT_EQ(c->held(), second.substr(0, 10));
  EXPECT_EQ(statuses(c->send()), std::vector<int>{200});
  SessionWants w = c->wants();
  EXPECT_EQ(w.timeout, kRequestTimeout);  // part of a request is in
  EXPECT_FALSE(w.idle);
  EXPECT_TRUE(w.read);
  EXPECT_EQ(c->offer(), 0u);  // offered again after the output drained: still incomplete
  EXPECT_EQ(c->offer(second.substr(10)), second.size());
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].body, "<p>index</p>");
}

TEST_F(SessionTest, TheOutputBudgetHoldsPipelinedRequestsUntilTheQueueDrains) {
  auto c = client();
  std::string request = get("/big.bin");
  constexpr size_t kCount = 7;
  std::string all;
  for (size_t i = 0; i < kCount; ++i) all += request;

  size_t used = c->offer(all);
  EXPECT_LT(used, all.size());
  EXPECT_EQ(used % request.size(), 0u);
  size_t answered = used / request.size();
  EXPECT_GE(answered, 2u);
  EXPECT_EQ(c->held().size(), all.size() - used);
  // It stopped at the first request that found the budget used up.
  uint64_t pending = c->out().pending_bytes();
  EXPECT_GE(pending, kMaxQueuedOutput);
  EXPECT_LT(pending - pending / answered, kMaxQueuedOutput);
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::no);
  EXPECT_FALSE(w.read);
  EXPECT_EQ(w.timeout, kWriteTimeout);
  EXPECT_TRUE(w.restart_on_progress);
  EXPECT_FALSE(w.idle);
  // Offered again before anything was sent: still over budget, nothing used.
  EXPECT_EQ(c->offer(), 0u);
  EXPECT_EQ(c->out().pending_bytes(), pending);

  std::string expected = big_content();
  size_t total = 0;
  for (int round = 0; round < 10 && total < kCount; ++round) {
    if (round > 0) c->offer();
    auto responses = split(c->send());
    ASSERT_FALSE(responses.empty());
    for (const Response& r : responses) {
      EXPECT_EQ(r.status, 200);
      EXPECT_EQ(r.header("Content-Length"), std::to_string(kBigSize));
      EXPECT_TRUE(r.body == expected) << "body of response " << total;
    }
    total += responses.size();
  }
  EXPECT_EQ(total, kCount);
  EXPECT_TRUE(c->held().empty());
  w = c->wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.read);
}

TEST_F(SessionTest, TheDriverLoopAnswersEveryPipelinedRequestPastTheBudget) {
  auto c = client();
  std::string all;
  for (int i = 0; i < 6; ++i) all += get("/big.bin") + get("/a.txt");
  auto responses = split(c->exchange(all));
  ASSERT_EQ(responses.size(), 12u);
  for (size_t i = 0; i < responses.size(); ++i)
    EXPECT_EQ(responses[i].body.size(), i % 2 ? 5u : kBigSize) << i;
  EXPECT_TRUE(c->held().empty());
  EXPECT_EQ(c->last().timeout, kIdleTimeout);
}

// --- requests in pieces --------------------------------------------------------

TEST_F(SessionTest, ARequestSplitByteByByte) {
  auto c = client();
  std::string request = get("/a.txt", "User-Agent: slow\r\n");
  for (size_t i = 0; i + 1 < request.size(); ++i) {
    EXPECT_EQ(c->offer(request.substr(i, 1)), 0u) << i;
    EXPECT_TRUE(c->out().empty());
    SessionWants w = c->wants();
    EXPECT_EQ(w.timeout, kRequestTimeout) << i;
    EXPECT_FALSE(w.restart_timeout) << i;  // the head must arrive within one timeout
    EXPECT_FALSE(w.idle);
    EXPECT_TRUE(w.read);
    EXPECT_EQ(w.close, Close::no);
  }
  EXPECT_EQ(c->offer(request.substr(request.size() - 1)), request.size());
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].body, "hello");
}

TEST_F(SessionTest, AnySplitGivesWhatTheWholeGives) {
  std::string all = get("/a.txt") + "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" +
                    "PUT /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n0\r\nT: v\r\n\r\n" +
                    "GET /dir/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get("/big.bin") +
                    get("/nope", "Connection: close\r\n");
  auto whole = client();
  std::string expected = whole->exchange(all);
  EXPECT_EQ(statuses(expected), (std::vector<int>{200, 405, 405, 200, 200, 404}));
  EXPECT_EQ(whole->last().close, Close::after_output);

  for (size_t piece : {1, 2, 7, 64}) {
    auto c = client();
    std::string sent;
    for (size_t at = 0; at < all.size(); at += piece) sent += c->exchange(all.substr(at, piece));
    EXPECT_EQ(without_dates(sent), without_dates(expected)) << "pieces of " << piece;
    EXPECT_EQ(c->last().close, Close::after_output);
  }
}

TEST_F(SessionTest, AContentLengthBodyArrivingInPieces) {
  auto c = client();
  std::string head = "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n";
  EXPECT_EQ(c->offer(head + "0123"), head.size() + 4);  // body bytes are used (and dropped)
  EXPECT_TRUE(c->out().empty());
  SessionWants w = c->wants();
  EXPECT_EQ(w.timeout, kRequestTimeout);
  EXPECT_TRUE(w.read);
  EXPECT_FALSE(w.idle);
  EXPECT_EQ(c->offer("45"), 2u);
  EXPECT_TRUE(c->out().empty());
  EXPECT_FALSE(c->wants().restart_timeout);  // the body shares the head's timeout
  std::string next = get("/a.txt");
  EXPECT_EQ(c->offer("6789" + next), 4 + next.size());
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].status, 405);
  EXPECT_EQ(responses[0].header("Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(responses[1].body, "hello");
  w = c->wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.restart_timeout);
}

TEST_F(SessionTest, AChunkedBodyArrivingInPieces) {
  auto c = client();
  std::string head = "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::vector<std::string> pieces = {head + "5\r\nhel", "lo\r\n", "1", "0\r\n0123456789abcdef\r", "\n0\r", "\n\r"};
  for (const std::string& piece : pieces) {
    EXPECT_EQ(c->offer(piece), piece.size());
    EXPECT_TRUE(c->out().empty());
    EXPECT_EQ(c->wants().timeout, kRequestTimeout);
  }
  EXPECT_EQ(c->offer("\n"), 1u);
  EXPECT_EQ(statuses(c->send()), std::vector<int>{405});
  EXPECT_EQ(c->wants().close, Close::no);
  EXPECT_EQ(statuses(c->exchange(get("/a.txt"))), std::vector<int>{200});
}

TEST_F(SessionTest, ABodyWithTheHeadIsAnsweredAtOnce) {
  auto c = client();
  std::string sent = c->exchange("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n" +
                                 std::string("DELETE /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nab"));
  EXPECT_EQ(statuses(sent), (std::vector<int>{405, 405}));
  EXPECT_EQ(c->last().timeout, kIdleTimeout);
}

// --- Expect: 100-continue -----------------------------------------------------

TEST_F(SessionTest, ExpectContinueGets100BeforeTheBody) {
  auto c = client();
  std::string head = "POST /a.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
  EXPECT_EQ(c->offer(head), head.size());
  EXPECT_EQ(c->out().contents(), "HTTP/1.1 100 Continue\r\n\r\n");
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::no);
  EXPECT_EQ(w.timeout, kWriteTimeout);
  EXPECT_EQ(c->send(), "HTTP/1.1 100 Continue\r\n\r\n");
  w = c->wants();
  EXPECT_EQ(w.timeout, kRequestTimeout);
  EXPECT_TRUE(w.read);
  EXPECT_FALSE(w.idle);
  EXPECT_EQ(c->offer("hel"), 3u);
  EXPECT_TRUE(c->out().empty());  // no second 100
  EXPECT_EQ(c->offer("lo"), 2u);
  std::string final_response = c->send();
  EXPECT_EQ(statuses(final_response), std::vector<int>{405});
  EXPECT_EQ(final_response.find("100 Continue"), std::string::npos);
}

TEST_F(SessionTest, ExpectContinueIsCaseInsensitiveAndWorksForChunked) {
  auto c = client();
  c->offer("PUT /x HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(c->send(), "HTTP/1.1 100 Continue\r\n\r\n");
  c->offer("2\r\nab\r\n0\r\n\r\n");
  EXPECT_EQ(statuses(c->send()), std::vector<int>{405});
}

TEST_F(SessionTest, ExpectContinueOnlyForHttp11) {
  auto c = client();
  std::string head = "POST /a.txt HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
  EXPECT_EQ(c->offer(head), head.size());
  EXPECT_TRUE(c->out().empty());  // RFC 9110 §10.1.1: ignored in HTTP/1.0
  EXPECT_EQ(c->wants().timeout, kRequestTimeout);
  c->offer("hello");
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 405);
  EXPECT_EQ(responses[0].header("Connection"), "close");
}

TEST_F(SessionTest, NoContinueWhenTheBodyCameWithTheHeadOrThereIsNone) {
  auto c = client();
  std::string sent = c->exchange("POST /a.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab");
  EXPECT_EQ(statuses(sent), std::vector<int>{405});
  sent = c->exchange(get("/a.txt", "Expect: 100-continue\r\n"));
  EXPECT_EQ(statuses(sent), std::vector<int>{200});
  sent = c->exchange("POST /a.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(statuses(sent), std::vector<int>{405});
  EXPECT_EQ(sent.find("100 Continue"), std::string::npos);
}

TEST_F(SessionTest, ContinueThenABadChunkGives400) {
  auto c = client();
  c->offer("POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(c->send(), "HTTP/1.1 100 Continue\r\n\r\n");
  std::string bad = "zz\r\nab\r\n0\r\n\r\n" + get("/a.txt");
  EXPECT_EQ(c->offer(bad), bad.size());  // the rest cannot be trusted: dropped
  EXPECT_EQ(statuses(c->send()), std::vector<int>{400});
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);
}

// --- errors -------------------------------------------------------------------

TEST_F(SessionTest, AMalformedRequestGets400AndALingeringClose) {
  auto c = client();
  std::string bad = "GET /a.txt HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n" + get("/a.txt");
  EXPECT_EQ(c->offer(bad), bad.size());  // the rest is discarded
  EXPECT_TRUE(c->held().empty());
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::after_output_lingering);
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 400);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_EQ(responses[0].body, "400 Bad Request\n");
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);
}

TEST_F(SessionTest, AnErrorAfterGoodPipelinedRequestsComesAfterTheirAnswers) {
  auto c = client();
  std::string all = get("/a.txt") + get("/dir/") + "GET /a.txt HTTP/9.9\r\nHost: x\r\n\r\n" + get("/a.txt");
  EXPECT_EQ(c->offer(all), all.size());
  EXPECT_EQ(statuses(c->send()), (std::vector<int>{200, 200, 505}));
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);
}

TEST_F(SessionTest, AnErrorInTheRestOfAPartialHead) {
  auto c = client();
  std::string start = "GET /a.txt HTTP/1.1\r\nHo", rest = "st: x\r\nHost: y\r\n\r\n" + get("/a.txt");
  EXPECT_EQ(c->offer(start), 0u);
  EXPECT_EQ(c->offer(rest), start.size() + rest.size());  // two Host fields; what follows is dropped
  EXPECT_EQ(statuses(c->send()), std::vector<int>{400});
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);
}

TEST_F(SessionTest, SmugglingShapesAre400) {
  for (std::string request : {
           std::string("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
           std::string("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"),
           std::string("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
           std::string("GET / HTTP/1.1\r\n\r\n"),  // no Host
       }) {
    auto c = client();
    EXPECT_EQ(statuses(c->exchange(request)), std::vector<int>{400}) << request;
    EXPECT_EQ(c->last().close, Close::after_output_lingering) << request;
  }
}

TEST_F(SessionTest, ADeclaredBodyTooLargeGets413) {
  auto c = client();
  std::string request = "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n";  // limit 64
  EXPECT_EQ(c->offer(request), request.size());
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 413);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);

  auto fits = client();
  EXPECT_EQ(statuses(fits->exchange("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 64\r\n\r\n" +
                                    std::string(64, 'b'))),
            std::vector<int>{405});
  EXPECT_EQ(fits->last().close, Close::no);
}

TEST_F(SessionTest, AChunkedBodyGrowingTooLargeGets413) {
  auto c = client();
  std::string head = "POST /a.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string chunk = "20\r\n" + std::string(32, 'c') + "\r\n";
  EXPECT_EQ(c->offer(head + chunk), head.size() + chunk.size());
  EXPECT_EQ(c->offer(chunk), chunk.size());
  EXPECT_TRUE(c->out().empty());  // 64 bytes: at the limit
  EXPECT_EQ(c->offer("1\r\n"), 3u);
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 413);
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);
}

TEST_F(SessionTest, AHeadTooLargeGets431EvenBeforeItEnds) {
  // max_head_bytes is 512 here.
  auto c = client();
  std::string start = "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(200, 'a');
  EXPECT_EQ(c->offer(start), 0u);
  EXPECT_EQ(c->wants().timeout, kRequestTimeout);
  std::string more(400, 'a');
  EXPECT_EQ(c->offer(more), start.size() + more.size());  // past the limit: no need to wait for the end
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 431);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);

  auto whole = client();
  EXPECT_EQ(statuses(whole->exchange(get("/a.txt", "X-Big: " + std::string(600, 'a') + "\r\n"))),
            std::vector<int>{431});
  EXPECT_EQ(whole->last().close, Close::after_output_lingering);
}

TEST_F(SessionTest, TooManyHeaderFieldsGet431) {
  std::string fields;
  for (int i = 0; i < 8; ++i) fields += "X-" + std::to_string(i) + ": v\r\n";  // 9 with Host; limit 8
  auto c = client();
  EXPECT_EQ(statuses(c->exchange(get("/a.txt", fields))), std::vector<int>{431});
  EXPECT_EQ(c->last().close, Close::after_output_lingering);
  fields.erase(0, fields.find("\r\n") + 2);  // 8 with Host
  auto d = client();
  EXPECT_EQ(statuses(d->exchange(get("/a.txt", fields))), std::vector<int>{200});
}

TEST_F(SessionTest, ARequestLineTooLongGets414) {
  auto c = client();
  EXPECT_EQ(statuses(c->exchange(get("/" + std::string(250, 'p')))), std::vector<int>{414});
  EXPECT_EQ(c->last().close, Close::after_output_lingering);
}

// --- timeouts -----------------------------------------------------------------

TEST_F(SessionTest, ARequestTimeoutMidHeadGives408AndALingeringClose) {
  auto c = client();
  c->exchange("GET /a.txt HTTP/1.1\r\nHo");
  ASSERT_EQ(c->last().timeout, kRequestTimeout);
  c->timeout();
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::after_output_lingering);
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].status, 408);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_EQ(responses[0].body, "408 Request Timeout\n");
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);
}

TEST_F(SessionTest, ARequestTimeoutMidBodyGives408) {
  auto c = client();
  c->exchange("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  ASSERT_EQ(c->last().timeout, kRequestTimeout);
  c->timeout();
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);
  EXPECT_EQ(statuses(c->send()), std::vector<int>{408});
}

TEST_F(SessionTest, ARequestTimeoutAfterAnAnsweredRequestWithAPartialNext) {
  auto c = client();
  std::string sent = c->exchange(get("/a.txt") + "GET /a");
  EXPECT_EQ(statuses(sent), std::vector<int>{200});
  ASSERT_EQ(c->last().timeout, kRequestTimeout);
  c->timeout();
  EXPECT_EQ(statuses(c->send()), std::vector<int>{408});
  EXPECT_EQ(c->wants().close, Close::after_output_lingering);
}

TEST_F(SessionTest, ATimeoutWhileIdleClosesNow) {
  auto fresh = client();
  fresh->wants();
  fresh->timeout();
  EXPECT_EQ(fresh->wants().close, Close::now);
  EXPECT_TRUE(fresh->out().empty());  // no 408 to a client that asked nothing

  auto c = client();
  c->exchange(get("/a.txt"));
  ASSERT_EQ(c->last().timeout, kIdleTimeout);
  c->timeout();
  EXPECT_TRUE(c->out().empty());
  EXPECT_EQ(c->wants().close, Close::now);
}

TEST_F(SessionTest, ATimeoutWithOutputPendingClosesNow) {
  auto c = client();
  c->offer(get("/big.bin"));
  ASSERT_EQ(c->wants().timeout, kWriteTimeout);
  c->timeout();
  EXPECT_EQ(c->wants().close, Close::now);

  // Also with part of the next request in: a stalled reader gets no 408.
  auto d = client();
  d->offer(get("/big.bin") + "GET /a");
  ASSERT_EQ(d->wants().timeout, kWriteTimeout);
  d->timeout();
  EXPECT_EQ(d->wants().close, Close::now);
  // ...and a 100 Continue still pending is no reason to answer 408 either.
  auto e = client();
  e->offer("POST /a.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  ASSERT_EQ(e->wants().timeout, kWriteTimeout);
  e->timeout();
  EXPECT_EQ(e->wants().close, Close::now);
}

TEST_F(SessionTest, TheTimeoutAskedInEachState) {
  auto c = client();
  SessionWants w = c->wants();  // nothing yet
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.idle);

  c->offer("GET /a.txt HTTP/1.1\r\n");  // partly in
  w = c->wants();
  EXPECT_EQ(w.timeout, kRequestTimeout);
  EXPECT_FALSE(w.idle);
  EXPECT_FALSE(w.restart_on_progress);
  EXPECT_TRUE(w.read);

  c->offer("Host: x\r\n\r\n");  // answered, not sent
  w = c->wants();
  EXPECT_EQ(w.timeout, kWriteTimeout);
  EXPECT_TRUE(w.restart_on_progress);
  EXPECT_TRUE(w.restart_timeout);
  EXPECT_FALSE(w.idle);
  EXPECT_FALSE(w.read);

  c->send();  // between requests
  w = c->wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.idle);
  EXPECT_FALSE(w.restart_on_progress);
  EXPECT_FALSE(w.restart_timeout);  // told once already

  c->offer("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");  // in the body
  w = c->wants();
  EXPECT_EQ(w.timeout, kRequestTimeout);
  EXPECT_FALSE(w.idle);
  EXPECT_TRUE(w.read);

  c->offer("cd");
  w = c->wants();
  EXPECT_EQ(w.timeout, kWriteTimeout);
  c->send();
  w = c->wants();
  EXPECT_EQ(w.timeout, kIdleTimeout);
  EXPECT_TRUE(w.idle);
}

TEST_F(SessionTest, EveryAnsweredRequestRestartsTheTimeoutOnce) {
  auto c = client();
  for (int i = 0; i < 3; ++i) {
    c->exchange(get("/a.txt"));
    EXPECT_TRUE(c->last().restart_timeout) << i;
    EXPECT_FALSE(c->wants().restart_timeout) << i;
  }
  // Bytes of a request do not restart the request timeout: only an answer does.
  c->exchange("GET /a.txt HTTP/1.1\r\n");
  EXPECT_FALSE(c->last().restart_timeout);
  c->exchange("Host: x\r\n");
  EXPECT_FALSE(c->last().restart_timeout);
  c->exchange("\r\nGET /a");  // one answered, the next one partly in
  EXPECT_TRUE(c->last().restart_timeout);
  EXPECT_EQ(c->last().timeout, kRequestTimeout);
  c->exchange(".txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(c->last().restart_timeout);
  EXPECT_EQ(c->last().timeout, kIdleTimeout);
}

// --- the peer's EOF -------------------------------------------------------------

TEST_F(SessionTest, PeerEofWithNothingQueuedClosesNow) {
  auto c = client();
  c->peer_closed();
  EXPECT_EQ(c->wants().close, Close::now);

  auto d = client();
  d->exchange(get("/a.txt"));
  d->peer_closed();
  EXPECT_EQ(d->wants().close, Close::now);
}

TEST_F(SessionTest, PeerEofMidRequestClosesNowWithoutAnswer) {
  auto c = client();
  c->exchange("GET /a.txt HTTP/1.1\r\nHost: x\r\n");
  c->peer_closed();
  EXPECT_TRUE(c->out().empty());
  EXPECT_EQ(c->wants().close, Close::now);

  auto d = client();
  d->exchange("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
  d->peer_closed();
  EXPECT_TRUE(d->out().empty());
  EXPECT_EQ(d->wants().close, Close::now);
}

TEST_F(SessionTest, PeerEofWithOutputQueuedClosesAfterIt) {
  auto c = client();
  c->offer(get("/big.bin"));
  c->peer_closed();
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::after_output);  // not lingering: the peer sends nothing more
  auto responses = split(c->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].body.size(), kBigSize);
  EXPECT_EQ(c->wants().close, Close::now);
}

TEST_F(SessionTest, PeerEofAfterAnErrorDoesNotLinger) {
  auto c = client();
  c->offer("BAD\r\n\r\n");
  ASSERT_EQ(c->wants().close, Close::after_output_lingering);
  c->peer_closed();
  EXPECT_EQ(c->wants().close, Close::after_output);
  EXPECT_EQ(statuses(c->send()), std::vector<int>{400});
  EXPECT_EQ(c->wants().close, Close::now);
}

// --- graceful stop --------------------------------------------------------------

TEST_F(SessionTest, StopWhenIdleClosesNow) {
  auto fresh = client();
  fresh->stop();
  EXPECT_EQ(fresh->wants().close, Close::now);

  auto c = client();
  c->exchange(get("/a.txt"));
  shared().stopping = true;  // what the worker does before telling each session
  c->stop();
  EXPECT_TRUE(c->out().empty());
  EXPECT_EQ(c->wants().close, Close::now);
}

TEST_F(SessionTest, StopWithAResponseQueuedFinishesItThenCloses) {
  auto c = client();
  std::string first = get("/big.bin");
  std::string all = first;
  for (int i = 0; i < 5; ++i) all += get("/big.bin");
  size_t used = c->offer(all);
  ASSERT_LT(used, all.size());  // held at the budget
  size_t queued = used / first.size();
  shared().stopping = true;
  c->stop();
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::after_output);
  EXPECT_EQ(split(c->send()).size(), queued);  // what was queued goes whole
  EXPECT_EQ(c->offer(), 0u);                   // what was held is not answered
  EXPECT_TRUE(c->out().empty());
  EXPECT_EQ(c->wants().close, Close::after_output);
}

TEST_F(SessionTest, StopDuringABodyFinishesThatExchangeWithConnectionClose) {
  auto c = client();
  c->exchange("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
  shared().stopping = true;
  c->stop();
  SessionWants w = c->wants();
  EXPECT_EQ(w.close, Close::no);  // the body is still coming
  EXPECT_TRUE(w.read);
  EXPECT_EQ(w.timeout, kRequestTimeout);
  std::string sent = c->exchange("cd" + get("/a.txt"));
  auto responses = split(sent);
  ASSERT_EQ(responses.size(), 1u);  // the pipelined GET after it is not answered
  EXPECT_EQ(responses[0].status, 405);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_EQ(c->last().close, Close::after_output);
}

// on_stop() alone (a driver that does not set SessionShared::stopping) ends
// keep-alive for a body in flight: the answer says Connection: close.
TEST_F(SessionTest, StopAloneEndsKeepAliveForABodyInFlight) {
  auto c = client();
  c->exchange("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
  c->stop();  // shared().stopping left false
  auto responses = split(c->exchange("cd"));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].header("Connection"), "close");
  EXPECT_NE(c->last().close, Close::no);
}

TEST_F(SessionTest, StopWithAPartialHeadClosesNow) {
  auto c = client();
  c->exchange("GET /a.txt HTTP/1.1\r\n");
  c->stop();
  EXPECT_TRUE(c->out().empty());
  EXPECT_EQ(c->wants().close, Close::now);
}

// --- sessions sharing one worker --------------------------------------------------

TEST_F(SessionTest, TwoSessionsInterleavingPartialHeadsEachGetTheirAnswer) {
  auto a = client("192.0.2.1:1000");
  auto b = client("192.0.2.2:2000");
  EXPECT_EQ(a->offer("GET /a.txt HTTP/1.1\r\nHo"), 0u);
  EXPECT_EQ(shared().request_owner, &a->session());
  EXPECT_EQ(b->offer("GET /dir/ HTTP/1.1\r\nHost: y\r\nX-B"), 0u);
  EXPECT_EQ(shared().request_owner, &b->session());  // the shared Request was reclaimed
  EXPECT_EQ(a->offer("st: x\r\nX-A: 1\r\n"), 0u);
  EXPECT_EQ(b->offer(": 2\r\n"), 0u);
  std::string a_rest = "\r\n";
  EXPECT_GT(a->offer(a_rest), 0u);
  EXPECT_TRUE(a->held().empty());
  EXPECT_GT(b->offer("\r\n"), 0u);
  EXPECT_TRUE(b->held().empty());
  auto from_a = split(a->send());
  auto from_b = split(b->send());
  ASSERT_EQ(from_a.size(), 1u);
  ASSERT_EQ(from_b.size(), 1u);
  EXPECT_EQ(from_a[0].body, "hello");
  EXPECT_EQ(from_b[0].body, "<p>index</p>");
}

TEST_F(SessionTest, TwoSessionsInterleavingByteByByte) {
  std::string for_a = get("/a.txt") + "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc" + get("/dir/");
  std::string for_b = get("/dir/", "X-Long: " + std::string(50, 'l') + "\r\n") + get("/nope") + get("/a.txt");
  auto a = client();
  auto b = client();
  std::string sent_a, sent_b;
  for (size_t i = 0; i < std::max(for_a.size(), for_b.size()); ++i) {
    if (i < for_a.size()) sent_a += a->exchange(for_a.substr(i, 1));
    if (i < for_b.size()) sent_b += b->exchange(for_b.substr(i, 1));
  }
  auto from_a = split(sent_a);
  auto from_b = split(sent_b);
  ASSERT_EQ(from_a.size(), 3u);
  ASSERT_EQ(from_b.size(), 3u);
  EXPECT_EQ(from_a[0].body, "hello");
  EXPECT_EQ(from_a[1].status, 405);
  EXPECT_EQ(from_a[2].body, "<p>index</p>");
  EXPECT_EQ(from_b[0].body, "<p>index</p>");
  EXPECT_EQ(from_b[1].status, 404);
  EXPECT_EQ(from_b[2].body, "hello");
}

TEST_F(SessionTest, ABodyInOneSessionWhileAnotherUsesTheSharedRequest) {
  auto a = client();
  auto b = client();
  a->exchange("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
  EXPECT_EQ(statuses(b->exchange(get("/a.txt") + get("/dir/"))), (std::vector<int>{200, 200}));
  b->exchange("GET /dir/ HTTP/1.1\r\n");  // b's partial parse holds the Request now
  auto responses = split(a->exchange("cd" + get("/a.txt", "Connection: close\r\n")));
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].status, 405);  // the head kept from before the body
  EXPECT_EQ(responses[1].header("Connection"), "close");
  EXPECT_EQ(responses[1].body, "hello");
  responses = split(b->exchange("Host: y\r\n\r\n"));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].body, "<p>index</p>");
}

TEST_F(SessionTest, ADestroyedSessionGivesUpTheSharedRequest) {
  auto a = client();
  auto b = client();
  a->offer("GET /a.txt HTTP/1.1\r\n");
  b->offer("GET /dir/ HTTP/1.1\r\n");
  ASSERT_EQ(shared().request_owner, &b->session());
  b->destroy();
  EXPECT_EQ(shared().request_owner, nullptr);
  a->offer("Host: x\r\n\r\n");
  auto responses = split(a->send());
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].body, "hello");
  a->destroy();
  EXPECT_EQ(shared().request_owner, nullptr);
}

TEST_F(SessionTest, EachEventRefreshesTheSitesClock) {
  auto c = client();
  EXPECT_EQ(split(c->exchange(get("/a.txt")))[0].body, "hello");
  tree_.write("a.txt", "changed!");
  EXPECT_EQ(split(c->exchange(get("/a.txt")))[0].body, "hello");  // cached, checked less than a second ago
  now_ += 2s;
  EXPECT_EQ(split(c->exchange(get("/a.txt")))[0].body, "changed!");
}

// --- access log -------------------------------------------------------------------

TEST_F(SessionTest, AccessLogLines) {
  log_to_file();
  auto c = client("192.0.2.7:40000");
  c->exchange(get("/a.txt", "Referer: http://r/\r\nUser-Agent: t/1\r\n"));
  c->exchange("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  c->exchange("POST /up?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na");
  c->exchange("bc" + get("/nope", "User-Agent: say \"hi\"\r\n"));
  c->exchange("GET /a.txt HTTP/1.0\r\n\r\n");
  auto bad = client("[2001:db8::1]:5000");
  bad->exchange("GARBAGE\r\n\r\n");
  auto slow = client("192.0.2.9:1");
  slow->exchange("GET /a");
  slow->timeout();
  slow->send();

  std::vector<std::string> lines = log_lines();
  ASSERT_EQ(lines.size(), 7u);
  const std::string time = R"(\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\])";
  std::vector<std::string> expected = {
      R"(192\.0\.2\.7 - - )" + time + R"( "GET /a\.txt HTTP/1\.1" 200 5 "http://r/" "t/1")",
      R"(192\.0\.2\.7 - - )" + time + R"( "HEAD /a\.txt HTTP/1\.1" 200 - "-" "-")",
      R"(192\.0\.2\.7 - - )" + time + R"( "POST /up\?q=1 HTTP/1\.1" 405 23 "-" "-")",
      R"(192\.0\.2\.7 - - )" + time + R"( "GET /nope HTTP/1\.1" 404 14 "-" "say \\x22hi\\x22")",
      R"(192\.0\.2\.7 - - )" + time + R"( "GET /a\.txt HTTP/1\.0" 200 5 "-" "-")",
      R"(2001:db8::1 - - )" + time + R"( "-" 400 16 "-" "-")",
      R"(192\.0\.2\.9 - - )" + time + R"( "-" 408 20 "-" "-")",
  };
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_TRUE(std::regex_match(lines[i], std::regex(expected[i]))) << lines[i] << "\n  vs " << expected[i];
}

TEST_F(SessionTest, NoAccessLogWhenOff) {
  auto c = client();
  EXPECT_FALSE(shared().access_log.enabled());
  EXPECT_EQ(statuses(c->exchange(get("/a.txt"))), std::vector<int>{200});
}

}  // namespace
}  // namespace muxd::http
