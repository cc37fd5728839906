// ConnectionTable: what the readiness models share (accepting with limits,
// drivers by descriptor, deadlines as the wait's timeout, the stop requests).
// The tests play the model's loop by hand, on loopback sockets; time points
// are passed in, so no test depends on how fast the machine is.
#include "http/models/connection_table.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <csignal>
#include <string>

#include "core/socket.h"
#include "http/document_root.h"
#include "http_test_support.h"

namespace muxd::http {
namespace {

using namespace std::chrono_literals;
using Clock = ConnectionTable::Clock;

constexpr std::string_view kGet = "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n";

bool readable(int fd, int ms = 0) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) == 1;
}

class ConnectionTableTest : public ::testing::Test {
 protected:
  ConnectionTableTest() {
    ::signal(SIGPIPE, SIG_IGN);
    tree_.write("a.txt", "hello");
    config_.root = tree_.path();
  }

  ConnectionTable& make_table(int fd_limit = 0) {
    table_ = std::make_unique<ConnectionTable>(config_, root_, -1, fd_limit);
    UniqueFd listener = listen_tcp(*SocketAddress::parse("127.0.0.1:0"), 64);
    address_ = local_address(listener.get());
    table_->adopt_listener(std::move(listener));
    return *table_;
  }

  // A blocking client, connected and accepted by the table; `first` sent before the accept.
  UniqueFd connect_client(std::string_view first = {}) {
    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    timeval bound{5, 0};  // a broken table fails the test instead of hanging it
    ::setsockopt(client.get(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
    EXPECT_EQ(::connect(client.get(), address_.get(), address_.length()), 0);
    if (!first.empty()) {
      EXPECT_EQ(::send(client.get(), first.data(), first.size(), 0), ssize_t(first.size()));
    }
    EXPECT_TRUE(readable(table_->listen_fd(), 5000));
    table_->accept_pending(Clock::now());
    return client;
  }

  // One pass of a poll model over the table's drivers (at most 100 ms of waiting).
  void pump() {
    std::vector<pollfd> fds;
    table_->for_each([&](SessionDriver& d) {
      short events = (d.wants_read() ? POLLIN : 0) | (d.wants_write() ? POLLOUT : 0);
      if (events) fds.push_back({d.fd(), events, 0});
    });
    ::poll(fds.data(), fds.size(), 100);
    Clock::time_point now = table_->begin_pass();
    for (const pollfd& p : fds)
      if (p.revents) table_->on_ready(p.fd, p.revents & (POLLIN | POLLHUP | POLLERR), p.revents & POLLOUT, now);
    table_->run_deadlines(now);
  }

  // What the client receives until `end` appears, EOF, or 5 s without a byte.
  static std::string receive(int fd, std::string_view end = "hello") {
    std::string got;
    char chunk[4096];
    ssize_t n;
    while (got.find(end) == std::string::npos && (n = ::recv(fd, chunk, sizeof chunk, 0)) > 0) got.append(chunk, n);
    return got;
  }
  static bool closed_by_server(int fd) {
    char byte;
    return readable(fd, 5000) && ::recv(fd, &byte, 1, MSG_DONTWAIT) <= 0;
  }

  testing::TempTree tree_;
  DocumentRoot root_{tree_.path()};
  HttpConfig config_;
  SocketAddress address_;
  std::unique_ptr<ConnectionTable> table_;
};

TEST_F(ConnectionTableTest, TheRequestThatCameWithTheConnectionIsAnsweredAtAccept) {
  ConnectionTable& table = make_table();
  UniqueFd client = connect_client(kGet);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(receive(client.get()).starts_with("HTTP/1.1 200 OK\r\n"));
}

TEST_F(ConnectionTableTest, KeepAliveRequestsAreServedThroughOnReady) {
  ConnectionTable& table = make_table();
  UniqueFd client = connect_client();
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(::send(client.get(), kGet.data(), kGet.size(), 0), ssize_t(kGet.size()));
    for (int pass = 0; pass < 50 && !readable(client.get()); ++pass) pump();
    EXPECT_TRUE(receive(client.get()).starts_with("HTTP/1.1 200 OK\r\n")) << "request " << i;
  }
  EXPECT_EQ(table.size(), 1u);
}

TEST_F(ConnectionTableTest, AClosedConnectionLeavesTheTable) {
  ConnectionTable& table = make_table();
  UniqueFd client = connect_client();
  ASSERT_EQ(table.size(), 1u);
  client.reset();
  for (int pass = 0; pass < 50 && table.size() > 0; ++pass) pump();
  EXPECT_EQ(table.size(), 0u);
}

TEST_F(ConnectionTableTest, ConnectionsOverMaxConnectionsAreClosedAtOnce) {
  config_.max_connections = 1;
  ConnectionTable& table = make_table();
  UniqueFd first = connect_client();
  UniqueFd second = connect_client();
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(closed_by_server(second.get()));
  EXPECT_FALSE(readable(first.get()));
}

TEST_F(ConnectionTableTest, ASocketPastTheDescriptorLimitIsAnswered503AndClosed) {
  ConnectionTable& table = make_table(/*fd_limit=*/1);  // every socket is past it
  UniqueFd client = connect_client(kGet);
  EXPECT_EQ(table.size(), 0u);
  std::string got = receive(client.get(), "\r\n\r\n");
  EXPECT_TRUE(got.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << got;
  EXPECT_NE(got.find("Connection: close\r\n"), std::string::npos);
  EXPECT_TRUE(closed_by_server(client.get()));
}

TEST_F(ConnectionTableTest, AGracefulStopClosesTheListenerAndIdleConnections) {
  ConnectionTable& table = make_table();
  UniqueFd client = connect_client(kGet);
  ASSERT_TRUE(receive(client.get()).starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_FALSE(readable(table.wake_fd()));
  table.interrupt(false);  // as the main thread would
  EXPECT_TRUE(readable(table.wake_fd()));
  table.clear_wakeup();
  EXPECT_FALSE(readable(table.wake_fd()));
  EXPECT_FALSE(table.finished());
  table.begin_pass();
  EXPECT_TRUE(table.shared().stopping);
  EXPECT_EQ(table.listen_fd(), -1);
  EXPECT_TRUE(table.finished());
  EXPECT_TRUE(closed_by_server(client.get()));
}

TEST_F(ConnectionTableTest, AStopAtOnceClosesEverythingEvenMidRequest) {
  ConnectionTable& table = make_table();
  UniqueFd client = connect_client("GET /a.txt HTTP/1.1\r\n");
  ASSERT_EQ(table.size(), 1u);
  table.interrupt(true);
  table.begin_pass();
  EXPECT_TRUE(table.finished());
  EXPECT_EQ(table.size(), 0u);
  EXPECT_EQ(table.listen_fd(), -1);
  EXPECT_TRUE(closed_by_server(client.get()));
}

TEST_F(ConnectionTableTest, NothingToWaitForMeansWaitingForever) {
  ConnectionTable& table = make_table();
  table.run_deadlines(table.begin_pass());
  EXPECT_EQ(table.wait_ms(), -1);
}

TEST_F(ConnectionTableTest, TheEarliestDeadlineIsTheWaitAndFiresWhenDue) {
  config_.header_timeout = 10s;
  ConnectionTable& table = make_table();
  UniqueFd client = connect_client("GET /a.txt HTTP/1.1\r\n");  // half a head: the header timeout runs
  Clock::time_point now = table.begin_pass();
  table.run_deadlines(now);
  EXPECT_GT(table.wait_ms(), 0);
  EXPECT_LE(table.wait_ms(), 10'000);
  table.run_deadlines(now + 11s);  // the header timeout: 408, then a lingering close
  EXPECT_TRUE(receive(client.get(), "\r\n\r\n").starts_with("HTTP/1.1 408 "));
  table.run_deadlines(now + 1h);  // the lingering close's bound
  EXPECT_EQ(table.size(), 0u);
}

}  // namespace
}  // namespace muxd::http
