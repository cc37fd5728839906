#include "core/session_host.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/socket.h"
#include "core/timer_queue.h"
#include "loopback.h"

namespace muxd {
namespace {

using namespace std::chrono_literals;
using namespace test;

struct Fault : std::runtime_error {
  Fault() : std::runtime_error("session fault for the test") {}
};

// What the sessions did, for the assertions (sessions die with their connection).
struct Record {
  int starts = 0;
  int timeouts = 0;
  int stops = 0;
  int peer_closes = 0;
  int destroyed = 0;
};

// A sans-IO line protocol: "LINE\n" -> "ok LINE\n"; "big\n" -> 4 MiB; "quit\n"
// closes after the reply; "boom\n" throws. One line per on_data call when
// `one_per_call` (an output budget, as a pipelining server has). On stop it
// closes once no request is half-received and its output went out.
class LineSession : public StreamSession {
 public:
  static constexpr size_t kBig = 4 << 20;

  LineSession(Record& record, uint8_t timeout = 0) : record_(record), timeout_(timeout) {}
  ~LineSession() override { ++record_.destroyed; }

  std::string greeting;
  bool one_per_call = false;
  bool throw_on_start = false;

  void on_start(OutputQueue& out) override {
    ++record_.starts;
    if (throw_on_start) throw Fault();
    if (!greeting.empty()) out.append(greeting);
  }
  size_t on_data(std::string_view data, OutputQueue& out) override {
    size_t used = 0;
    for (;;) {
      size_t end = data.find('\n', used);
      if (end == std::string_view::npos) break;
      std::string_view line = data.substr(used, end - used);
      used = end + 1;
      if (line == "boom") throw Fault();
      if (line == "quit") {
        closing_ = true;
        out.append("bye\n");
      } else if (line == "big") {
        out.append(std::string(kBig, 'B'));
      } else if (line == "cancel") {
        timeout_ = 0;
        out.append("cancelled\n");
      } else {
        out.append("ok " + std::string(line) + "\n");
      }
      if (one_per_call || closing_) break;
    }
    partial_ = used < data.size();
    return used;
  }
  void on_peer_closed(OutputQueue&) override {
    ++record_.peer_closes;
    closing_ = true;
  }
  void on_timeout(OutputQueue& out) override {
    ++record_.timeouts;
    out.append("timeout\n");
    closing_ = true;
  }
  void on_stop(OutputQueue&) override {
    ++record_.stops;
    stopping_ = true;
  }
  SessionWants wants(const OutputQueue&) override {
    SessionWants wants;
    wants.timeout = timeout_;
    if (closing_ || (stopping_ && !partial_)) wants.close = SessionWants::Close::after_output;
    return wants;
  }

 private:
  Record& record_;
  uint8_t timeout_;
  bool partial_ = false;
  bool closing_ = false;
  bool stopping_ = false;
};

bool start(SessionHost& host, UniqueFd fd, std::unique_ptr<StreamSession> session,
           TcpConnection::Start how = TcpConnection::Start::register_first) {
  SocketAddress peer = peer_address(fd.get());
  return host.start(std::move(fd), peer, std::move(session), how);
}

// Sends `request` from a client thread and reads until the server closes,
// while the loop runs; the loop quits once the client is done.
ReadResult exchange(EventLoop& loop, int client, std::string_view request) {
  ReadResult got;
  std::thread thread([&] {
    write_all(client, request);
    got = read_until(client);
    loop.run_in_loop([&] { loop.quit(); });
  });
  run_for(loop, 10s);
  thread.join();
  return got;
}

TEST(SessionHost, DrivesASessionAndDestroysItAfterItCloses) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {});
  Pair pair = loopback_pair();
  ASSERT_TRUE(start(host, std::move(pair.server), std::make_unique<LineSession>(record)));
  EXPECT_EQ(host.size(), 1u);
  ReadResult got = exchange(loop, pair.client.get(), "hello\nquit\n");
  EXPECT_EQ(got.data, "ok hello\nbye\n");
  EXPECT_EQ(got.end, ReadResult::eof);
  EXPECT_EQ(host.size(), 0u);
  EXPECT_EQ(record.starts, 1);
  EXPECT_EQ(record.destroyed, 1);
}

TEST(SessionHost, AGreetingFromOnStartIsSent) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {});
  Pair pair = loopback_pair();
  auto session = std::make_unique<LineSession>(record);
  session->greeting = "220 hello\n";
  ASSERT_TRUE(start(host, std::move(pair.server), std::move(session)));
  ReadResult got = read_until(pair.client.get(), "\n", 5s);
  EXPECT_EQ(got.data, "220 hello\n");
}

TEST(SessionHost, ReadFirstAnswersARequestThatCameWithTheConnection) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {});
  Pair pair = loopback_pair();
  write_all(pair.client.get(), "early\n");
  ASSERT_TRUE(wait_unread(pair.server.get(), 6));
  ASSERT_TRUE(start(host, std::move(pair.server), std::make_unique<LineSession>(record),
                    TcpConnection::Start::read_first));
  // Answered inside start(): the loop has not run.
  ReadResult got = read_until(pair.client.get(), "\n", 5s);
  EXPECT_EQ(got.data, "ok early\n");
  EXPECT_EQ(host.size(), 1u);
}

TEST(SessionHost, RequestsBeyondTheOutputBudgetAreOfferedAgain) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {});
  Pair pair = loopback_pair();
  auto session = std::make_unique<LineSession>(record);
  session->one_per_call = true;
  ASSERT_TRUE(start(host, std::move(pair.server), std::move(session)));
  ReadResult got = exchange(loop, pair.client.get(), "a\nb\nc\nquit\n");
  EXPECT_EQ(got.data, "ok a\nok b\nok c\nbye\n");
  EXPECT_EQ(got.end, ReadResult::eof);
}

TEST(SessionHost, MaxConnectionsRefusesTheExtraOnes) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {}, 2);
  Pair a = loopback_pair(), b = loopback_pair(), c = loopback_pair();
  EXPECT_TRUE(start(host, std::move(a.server), std::make_unique<LineSession>(record)));
  EXPECT_TRUE(start(host, std::move(b.server), std::make_unique<LineSession>(record)));
  EXPECT_FALSE(start(host, std::move(c.server), std::make_unique<LineSession>(record)));
  EXPECT_EQ(host.size(), 2u);
  EXPECT_EQ(record.starts, 2);
  EXPECT_EQ(record.destroyed, 1) << "the refused session is dropped";
  // The refused client sees its connection closed at once.
  ReadResult refused = read_until(c.client.get(), {}, 2s);
  EXPECT_NE(refused.end, ReadResult::timeout);

  ReadResult got_a, got_b;
  std::thread client([&] {
    write_all(a.client.get(), "one\nquit\n");
    write_all(b.client.get(), "two\nquit\n");
    got_a = read_until(a.client.get());
    got_b = read_until(b.client.get());
    loop.run_in_loop([&] { loop.quit(); });
  });
  run_for(loop, 10s);
  client.join();
  EXPECT_EQ(got_a.data, "ok one\nbye\n");
  EXPECT_EQ(got_b.data, "ok two\nbye\n");
  EXPECT_EQ(host.size(), 0u);

  // Room again once they closed.
  Pair d = loopback_pair();
  EXPECT_TRUE(start(host, std::move(d.server), std::make_unique<LineSession>(record)));
}

TEST(SessionHost, StopWithoutConnectionsCallsDrainedAtOnceAndRefusesNewOnes) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {});
  int drained = 0;
  host.stop([&] { ++drained; });
  EXPECT_EQ(drained, 1);
  EXPECT_TRUE(host.stopping());
  host.stop([&] { ++drained; });  // a second stop is ignored
  EXPECT_EQ(drained, 1);
  Pair pair = loopback_pair();
  EXPECT_FALSE(start(host, std::move(pair.server), std::make_unique<LineSession>(record)));
  EXPECT_NE(read_until(pair.client.get(), {}, 2s).end, ReadResult::timeout);
  EXPECT_EQ(drained, 1);
}

// Graceful stop: an idle session closes at once; one with a big reply in
// flight closes once it went out; one with half a request finishes that
// request first. `drained` runs once, after the last.
TEST(SessionHost, StopLetsBusySessionsFinishThenCallsDrainedOnce) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {});
  Pair idle = loopback_pair();
  Pair busy = loopback_pair(32 * 1024);
  Pair half = loopback_pair();
  // Both requests come with their connections (read first): read inside start().
  write_all(busy.client.get(), "big\n");
  write_all(half.client.get(), "hal");
  ASSERT_TRUE(wait_unread(busy.server.get(), 4));
  ASSERT_TRUE(wait_unread(half.server.get(), 3));
  auto read_first = TcpConnection::Start::read_first;
  ASSERT_TRUE(start(host, std::move(idle.server), std::make_unique<LineSession>(record)));
  ASSERT_TRUE(start(host, std::move(busy.server), std::make_unique<LineSession>(record), read_first));
  ASSERT_TRUE(start(host, std::move(half.server), std::make_unique<LineSession>(record), read_first));

  int drained = 0;
  size_t size_when_drained = 99;
  std::atomic<bool> stopped{false};
  std::atomic<bool> finished_half{false};
  bool finished_half_before_drained = false;
  loop.run_in_loop([&] {
    host.stop([&] {
      ++drained;
      size_when_drained = host.size();
      finished_half_before_drained = finished_half;
      loop.quit();
    });
    stopped = true;
  });

  ReadResult got_idle, got_busy, got_half;
  std::thread client([&] {
    auto deadline = Clock::now() + 10s;
    while (!stopped && Clock::now() < deadline) std::this_thread::sleep_for(1ms);
    got_idle = read_until(idle.client.get());
    got_busy = read_until(busy.client.get(), {}, 20s);
    finished_half = true;
    write_all(half.client.get(), "f\n");
    got_half = read_until(half.client.get());
  });
  run_for(loop, 30s);
  client.join();

  EXPECT_EQ(record.stops, 3);
  EXPECT_EQ(drained, 1);
  EXPECT_EQ(size_when_drained, 0u);
  EXPECT_TRUE(finished_half_before_drained) << "drained ran before the half request was finished";
  EXPECT_EQ(got_idle.data, "");
  EXPECT_EQ(got_idle.end, ReadResult::eof);
  EXPECT_EQ(got_busy.data.size(), LineSession::kBig);
  EXPECT_EQ(got_busy.end, ReadResult::eof);
  EXPECT_EQ(got_half.data, "ok half\n");
  EXPECT_EQ(got_half.end, ReadResult::eof);
  EXPECT_EQ(host.size(), 0u);
}

// A session's timeout k runs in the host's k-th queue; 0 or an unknown
// number runs none.
TEST(SessionHost, TimeoutNumbersMapToTheHostsQueues) {
  Record fast_record, slow_record, unknown_record, cancelled_record;
  EventLoop loop;
  TimerQueue fast(loop, 20ms);
  TimerQueue slow(loop, 60s);
  SessionHost host(loop, {&fast, &slow});
  Pair a = loopback_pair(), b = loopback_pair(), c = loopback_pair(), d = loopback_pair();
  ASSERT_TRUE(start(host, std::move(a.server), std::make_unique<LineSession>(fast_record, 1)));
  ASSERT_TRUE(start(host, std::move(b.server), std::make_unique<LineSession>(slow_record, 2)));
  ASSERT_TRUE(start(host, std::move(c.server), std::make_unique<LineSession>(unknown_record, 3)));
  // Armed by on_start, cancelled by the request that came with the connection.
  write_all(d.client.get(), "cancel\n");
  ASSERT_TRUE(wait_unread(d.server.get(), 7));
  ASSERT_TRUE(start(host, std::move(d.server), std::make_unique<LineSession>(cancelled_record, 1),
                    TcpConnection::Start::read_first));

  // Wait for the fast one, then as long again for anything else that would wrongly fire.
  std::function<void()> watch = [&] {
    if (fast_record.timeouts > 0) {
      loop.run_after(200ms, [&] { loop.quit(); });
      return;
    }
    loop.run_after(5ms, watch);
  };
  loop.run_after(5ms, watch);
  run_for(loop, 10s);

  EXPECT_EQ(fast_record.timeouts, 1);
  EXPECT_EQ(slow_record.timeouts, 0);
  EXPECT_EQ(unknown_record.timeouts, 0);
  EXPECT_EQ(cancelled_record.timeouts, 0);
  EXPECT_EQ(host.size(), 3u);
  ReadResult got = read_until(a.client.get(), {}, 2s);
  EXPECT_EQ(got.data, "timeout\n");
  EXPECT_EQ(got.end, ReadResult::eof);
}

TEST(SessionHost, APeerCloseIsHandedToTheSession) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {});
  Pair pair = loopback_pair();
  ASSERT_TRUE(start(host, std::move(pair.server), std::make_unique<LineSession>(record)));
  write_all(pair.client.get(), "last\n");
  ::shutdown(pair.client.get(), SHUT_WR);
  std::function<void()> watch = [&] {
    if (host.size() == 0) return loop.quit();
    loop.run_after(5ms, watch);
  };
  loop.run_after(5ms, watch);
  run_for(loop, 10s);
  EXPECT_EQ(record.peer_closes, 1);
  EXPECT_EQ(host.size(), 0u);
  ReadResult got = read_until(pair.client.get(), {}, 2s);
  EXPECT_EQ(got.data, "ok last\n");
  EXPECT_EQ(got.end, ReadResult::eof);
}

TEST(SessionHost, AThrowingSessionClosesOnlyItsConnection) {
  Record bad_record, good_record;
  EventLoop loop;
  SessionHost host(loop, {});
  Pair bad = loopback_pair(), good = loopback_pair();
  ASSERT_TRUE(start(host, std::move(bad.server), std::make_unique<LineSession>(bad_record)));
  ASSERT_TRUE(start(host, std::move(good.server), std::make_unique<LineSession>(good_record)));
  ReadResult bad_end, echo;
  std::thread client([&] {
    write_all(bad.client.get(), "boom\n");
    bad_end = read_until(bad.client.get(), {}, 5s);
    write_all(good.client.get(), "fine\nquit\n");
    echo = read_until(good.client.get(), {}, 5s);
    loop.run_in_loop([&] { loop.quit(); });
  });
  testing::internal::CaptureStderr();
  run_for(loop, 15s);
  std::string log = testing::internal::GetCapturedStderr();
  client.join();
  EXPECT_NE(bad_end.end, ReadResult::timeout);
  EXPECT_EQ(echo.data, "ok fine\nbye\n");
  EXPECT_EQ(host.size(), 0u);
  EXPECT_EQ(bad_record.destroyed, 1);
  EXPECT_NE(log.find("session fault for the test"), std::string::npos) << log;
}

// Regression test (see TcpConnectionFault.AThrowInsideAReadFirstStartClosesThatConnection):
// a session that throws on the request that came with the connection (read
// first, as muxd http starts every connection) escapes SessionHost::start():
// the connection stays in the host, open and never registered, and stop()
// would wait for it until the drain timeout.
TEST(SessionHost, AThrowingSessionInAReadFirstStartIsClosed) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {});
  Pair pair = loopback_pair();
  write_all(pair.client.get(), "boom\n");
  ASSERT_TRUE(wait_unread(pair.server.get(), 5));
  loop.run_in_loop([&] {
    try {
      start(host, std::move(pair.server), std::make_unique<LineSession>(record), TcpConnection::Start::read_first);
    } catch (const std::exception&) {
      // What the loop would do with it: log and go on.
    }
  });
  loop.run_after(100ms, [&] { loop.quit(); });
  loop.run();
  EXPECT_EQ(host.size(), 0u);
  EXPECT_NE(read_until(pair.client.get(), {}, 1s).end, ReadResult::timeout);
}

// on_start runs inside SessionHost::start (an accept handler), not under a
// connection's own guard: its fault must still close just that connection.
TEST(SessionHost, ASessionThatThrowsInOnStartIsClosedAndForgotten) {
  Record record;  // outlives the host, whose sessions write to it
  EventLoop loop;
  SessionHost host(loop, {});
  Pair pair = loopback_pair();
  auto session = std::make_unique<LineSession>(record);
  session->throw_on_start = true;
  testing::internal::CaptureStderr();
  loop.run_in_loop([&] { EXPECT_TRUE(start(host, std::move(pair.server), std::move(session))); });
  loop.run_after(100ms, [&] { loop.quit(); });
  loop.run();
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(host.size(), 0u);
  EXPECT_EQ(record.destroyed, 1);
  EXPECT_NE(read_until(pair.client.get(), {}, 1s).end, ReadResult::timeout);
  EXPECT_NE(log.find("session fault for the test"), std::string::npos) << log;
}

}  // namespace
}  // namespace muxd
