// serve_blocking (the iterative, thread and fork models' connection): a real
// http::Session on a loopback pair, served on a thread of the test, woken by
// the stop eventfds. Only generous bounds ("returned within 10 s").
#include "http/models/blocking_connection.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <chrono>
#include <future>
#include <string>

#include "../core/loopback.h"
#include "core/socket.h"
#include "http_test_support.h"

namespace muxd::http {
namespace {

using namespace std::chrono_literals;
using muxd::test::loopback_pair;
using muxd::test::read_until;
using muxd::test::read_until_end;
using muxd::test::ReadResult;
using muxd::test::write_all;

class BlockingConnectionTest : public ::testing::Test {
 protected:
  BlockingConnectionTest() {
    tree_.write("a.txt", "hello");
    config_.root = tree_.path();
  }

  // serve_blocking on a thread; the future is ready once it returned.
  std::future<void> serve(UniqueFd fd) {
    return std::async(std::launch::async, [this, fd = std::move(fd)]() mutable {
      SessionShared shared(config_, root_, -1, [] { return std::chrono::steady_clock::now(); });
      SocketAddress peer = peer_address(fd.get());
      serve_blocking(std::move(fd), peer, shared, {{graceful_.get(), now_.get()}, {}});
    });
  }

  testing::TempTree tree_;
  DocumentRoot root_{tree_.path()};
  HttpConfig config_;
  UniqueFd graceful_ = make_stop_fd();
  UniqueFd now_ = make_stop_fd();
};

TEST_F(BlockingConnectionTest, ServesKeepAliveRequestsUntilTheClientCloses) {
  muxd::test::Pair pair = loopback_pair();
  auto served = serve(std::move(pair.server));
  for (int i = 0; i < 3; ++i) {
    write_all(pair.client.get(), "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    ReadResult got = read_until(pair.client.get(), "hello", 10s);
    EXPECT_NE(got.data.find("HTTP/1.1 200"), std::string::npos) << got.data;
  }
  EXPECT_EQ(served.wait_for(100ms), std::future_status::timeout) << "keep-alive: still serving";
  pair.client.reset();
  EXPECT_EQ(served.wait_for(10s), std::future_status::ready);
}

TEST_F(BlockingConnectionTest, AGracefulStopClosesAnIdleKeepAliveConnection) {
  muxd::test::Pair pair = loopback_pair();
  auto served = serve(std::move(pair.server));
  write_all(pair.client.get(), "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_NE(read_until(pair.client.get(), "hello", 10s).data.find("200"), std::string::npos);
  raise_stop(graceful_.get());
  EXPECT_EQ(served.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(read_until_end(pair.client.get(), 10s).end, ReadResult::eof);
}

TEST_F(BlockingConnectionTest, AGracefulStopLetsAHalfSentRequestFinishWithConnectionClose) {
  muxd::test::Pair pair = loopback_pair();
  auto served = serve(std::move(pair.server));
  write_all(pair.client.get(), "GET /a.txt HTTP/1.1\r\nHo");
  std::this_thread::sleep_for(50ms);  // most likely read before the stop; either order must work
  raise_stop(graceful_.get());
  write_all(pair.client.get(), "st: x\r\n\r\n");
  ReadResult got = read_until_end(pair.client.get(), 10s);
  EXPECT_EQ(served.wait_for(10s), std::future_status::ready);
  if (!got.data.empty()) {  // the request was in when the stop came: answered, then closed
    EXPECT_NE(got.data.find("HTTP/1.1 200"), std::string::npos) << got.data;
    EXPECT_NE(got.data.find("Connection: close"), std::string::npos) << got.data;
  }
}

TEST_F(BlockingConnectionTest, AStopNowClosesAtOnce) {
  muxd::test::Pair pair = loopback_pair();
  auto served = serve(std::move(pair.server));
  write_all(pair.client.get(), "GET /a.txt HTTP/1.1\r\nHo");
  raise_stop(now_.get());
  EXPECT_EQ(served.wait_for(10s), std::future_status::ready);
  EXPECT_NE(read_until_end(pair.client.get(), 10s).end, ReadResult::timeout);
}

TEST_F(BlockingConnectionTest, TheHeaderTimeoutIsPollsTimeoutAndAnswers408) {
  config_.header_timeout = 100ms;
  muxd::test::Pair pair = loopback_pair();
  auto served = serve(std::move(pair.server));
  write_all(pair.client.get(), "GET /a.txt HTTP/1.1\r\nHo");
  ReadResult got = read_until_end(pair.client.get(), 10s);
  EXPECT_NE(got.data.find("HTTP/1.1 408"), std::string::npos) << got.data;
  EXPECT_EQ(served.wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace muxd::http
