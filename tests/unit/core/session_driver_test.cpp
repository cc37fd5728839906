// SessionDriver: one StreamSession on one non-blocking socket, driven here by
// a small poll(2) pump, as the blocking models drive it. Time is a parameter
// of the driver, so the timeout tests pass made-up instants and never wait.
#include "core/session_driver.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "loopback.h"

namespace muxd {
namespace {

using namespace std::chrono_literals;
using namespace test;

struct Fault : std::runtime_error {
  Fault() : std::runtime_error("session fault for the test") {}
};

struct Record {
  int timeouts = 0;
  int stops = 0;
  int peer_closes = 0;
  int data_calls = 0;
};

// A sans-IO line protocol: "LINE\n" -> "ok LINE\n"; "big\n" -> kBig bytes;
// "quit\n" closes after the reply; "bad\n" answers and closes lingering (as
// an HTTP error does, the rest of the request may still come); "boom\n"
// throws. One line per on_data call (an output budget) when `one_per_call`;
// input held while output is queued when `hold_while_sending` (as
// http::Session does).
class LineSession : public StreamSession {
 public:
  static constexpr size_t kBig = 4 << 20;

  explicit LineSession(Record& record) : record_(record) {}

  bool one_per_call = false;
  bool hold_while_sending = false;
  uint8_t timeout = 0;
  bool restart_on_progress = false;
  std::string greeting;

  void on_start(OutputQueue& out) override {
    if (!greeting.empty()) out.append(greeting);
  }
  size_t on_data(std::string_view data, OutputQueue& out) override {
    ++record_.data_calls;
    size_t used = 0;
    for (;;) {
      size_t end = data.find('\n', used);
      if (end == std::string_view::npos) break;
      std::string_view line = data.substr(used, end - used);
      used = end + 1;
      if (line == "boom") throw Fault();
      if (line == "quit") {
        close_ = SessionWants::Close::after_output;
        out.append("bye\n");
      } else if (line == "bad") {
        close_ = SessionWants::Close::after_output_lingering;
        out.append("error\n");
      } else if (line == "big") {
        out.append(std::string(kBig, 'B'));
      } else {
        out.append("ok " + std::string(line) + "\n");
      }
      if (one_per_call || close_ != SessionWants::Close::no) break;
    }
    partial_ = used < data.size();
    return used;
  }
  void on_peer_closed(OutputQueue&) override {
    ++record_.peer_closes;
    close_ = SessionWants::Close::after_output;
  }
  void on_timeout(OutputQueue& out) override {
    ++record_.timeouts;
    out.append("timeout\n");
    close_ = SessionWants::Close::after_output;
  }
  void on_stop(OutputQueue&) override {
    ++record_.stops;
    stopping_ = true;
  }
  SessionWants wants(const OutputQueue& out) override {
    SessionWants wants;
    wants.timeout = timeout;
    wants.restart_on_progress = restart_on_progress;
    wants.read = !(hold_while_sending && !out.empty());
    wants.close = close_;
    if (close_ == SessionWants::Close::no && stopping_ && !partial_) wants.close = SessionWants::Close::after_output;
    return wants;
  }

 private:
  Record& record_;
  SessionWants::Close close_ = SessionWants::Close::no;
  bool partial_ = false;
  bool stopping_ = false;
};

struct Fixture {
  Record record;  // outlives the driver's session
  Pair pair;
  LineSession* session = nullptr;
  std::unique_ptr<SessionDriver> driver;

  explicit Fixture(int client_rcvbuf = 0, int server_sndbuf = 0,
                   std::vector<SessionDriver::Clock::duration> timeouts = {1s, 2s}) {
    pair = loopback_pair(client_rcvbuf, server_sndbuf);
    auto owned = std::make_unique<LineSession>(record);
    session = owned.get();
    driver = std::make_unique<SessionDriver>(std::move(pair.server), std::move(owned), std::move(timeouts));
  }
  int client() const { return pair.client.get(); }
};

// What a blocking model does, bounded: wait in poll for what the driver
// wants, report it; until the driver closed, `done` holds, or `limit`.
// Deadlines are not honoured here (the timeout tests pass instants).
template <typename Done>
void pump(SessionDriver& driver, Done done, std::chrono::milliseconds limit = 10s) {
  auto end = Clock::now() + limit;
  while (!driver.closed() && !done() && Clock::now() < end) {
    short events = (driver.wants_read() ? POLLIN : 0) | (driver.wants_write() ? POLLOUT : 0);
    pollfd ready{driver.fd(), events, 0};
    if (::poll(&ready, 1, 10) <= 0) continue;
    auto now = Clock::now();
    if (driver.wants_read() && (ready.revents & (POLLIN | POLLHUP | POLLERR))) driver.on_readable(now);
    if (driver.wants_write() && (ready.revents & (POLLOUT | POLLHUP | POLLERR))) driver.on_writable(now);
  }
}

void pump_until_closed(SessionDriver& driver, std::chrono::milliseconds limit = 10s) {
  pump(driver, [] { return false; }, limit);
}

// The client's side in a thread (write, then read until the server closes)
// while this thread pumps the driver.
ReadResult exchange(Fixture& f, std::string_view request, std::chrono::milliseconds pace = {}) {
  ReadResult got;
  std::atomic<bool> finished{false};
  std::thread client([&] {
    write_all(f.client(), request);
    got = read_until_end(f.client(), 20s, pace);
    finished = true;
  });
  pump(*f.driver, [&] { return finished.load(); }, 20s);
  client.join();
  return got;
}

TEST(SessionDriver, AnswersAndClosesAfterTheOutput) {
  Fixture f;
  f.driver->start(Clock::now());
  ReadResult got = exchange(f, "hello\nquit\n");
  EXPECT_EQ(got.data, "ok hello\nbye\n");
  EXPECT_EQ(got.end, ReadResult::eof);
  EXPECT_TRUE(f.driver->closed());
  EXPECT_FALSE(f.driver->wants_read());
  EXPECT_FALSE(f.driver->wants_write());
}

TEST(SessionDriver, AGreetingIsSentByStart) {
  Fixture f;
  f.session->greeting = "220 hello\n";
  f.driver->start(Clock::now());
  EXPECT_EQ(read_until(f.client(), "\n", 5s).data, "220 hello\n");
}

TEST(SessionDriver, StartWithReadFirstAnswersTheRequestThatCameWithTheConnection) {
  Fixture f;
  write_all(f.client(), "early\n");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 6));
  f.driver->start(Clock::now(), /*read_first=*/true);
  // Answered inside start(): nothing was pumped.
  EXPECT_EQ(read_until(f.client(), "\n", 5s).data, "ok early\n");
  EXPECT_TRUE(f.driver->wants_read());
}

TEST(SessionDriver, StartWithReadFirstAndNothingThereWaits) {
  Fixture f;
  f.driver->start(Clock::now(), /*read_first=*/true);
  EXPECT_FALSE(f.driver->closed());
  EXPECT_TRUE(f.driver->wants_read());
  EXPECT_EQ(f.record.peer_closes, 0);
}

TEST(SessionDriver, PipelinedRequestsBeyondTheOutputBudgetAreOfferedAgain) {
  Fixture f;
  f.session->one_per_call = true;
  f.driver->start(Clock::now());
  write_all(f.client(), "a\nb\nc\nquit\n");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 11));
  f.driver->on_readable(Clock::now());  // one read: all four come from the held input
  ReadResult got = read_until_end(f.client(), 5s);
  EXPECT_EQ(got.data, "ok a\nok b\nok c\nbye\n");
  EXPECT_TRUE(f.driver->closed());
}

// The session holds its input while a big answer drains (a slow reader);
// the driver reads nothing meanwhile, and once the output is out it offers
// the held input: the pipelined requests behind the big one are answered.
TEST(SessionDriver, HeldInputIsResumedOnceTheOutputDrained) {
  Fixture f(/*client_rcvbuf=*/32 * 1024, /*server_sndbuf=*/32 * 1024);
  f.session->hold_while_sending = true;
  f.session->one_per_call = true;
  f.driver->start(Clock::now());
  write_all(f.client(), "big\nnext\nquit\n");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 14));
  f.driver->on_readable(Clock::now());
  EXPECT_TRUE(f.driver->wants_write());
  EXPECT_FALSE(f.driver->wants_read()) << "input is held while the big answer drains";
  EXPECT_EQ(f.record.data_calls, 1);
  ReadResult got = exchange(f, "");
  ASSERT_EQ(got.data.size(), LineSession::kBig + 12);
  EXPECT_EQ(got.data.substr(LineSession::kBig), "ok next\nbye\n");
  EXPECT_EQ(got.data.find_first_not_of('B'), LineSession::kBig);
  EXPECT_EQ(got.end, ReadResult::eof);
}

TEST(SessionDriver, APeerCloseIsHandedToTheSession) {
  Fixture f;
  f.driver->start(Clock::now());
  write_all(f.client(), "last\n");
  ::shutdown(f.client(), SHUT_WR);
  pump_until_closed(*f.driver);
  EXPECT_TRUE(f.driver->closed());
  EXPECT_EQ(f.record.peer_closes, 1);
  ReadResult got = read_until_end(f.client(), 5s);
  EXPECT_EQ(got.data, "ok last\n");
  EXPECT_EQ(got.end, ReadResult::eof);
}

// RFC 9112 §9.6: after an error the rest of the request may still come;
// closing with it unread would reset the connection and could destroy the
// answer. The driver shuts down its side, then reads until the peer closes.
TEST(SessionDriver, ALingeringCloseReadsUntilThePeerCloses) {
  Fixture f;
  f.session->timeout = 1;
  f.driver->start(Clock::now());
  write_all(f.client(), "bad\nrest of it");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 14));
  f.driver->on_readable(Clock::now());
  ReadResult got = read_until_end(f.client(), 5s);
  EXPECT_EQ(got.data, "error\n");
  EXPECT_EQ(got.end, ReadResult::eof) << "our side was shut down, not reset";
  EXPECT_FALSE(f.driver->closed());
  EXPECT_TRUE(f.driver->lingering());
  EXPECT_TRUE(f.driver->wants_read());
  EXPECT_FALSE(f.driver->wants_write());
  write_all(f.client(), std::string(100'000, 'x'));  // still sending: discarded
  pump(*f.driver, [] { return false; }, 300ms);
  EXPECT_FALSE(f.driver->closed());
  f.pair.client.reset();
  pump_until_closed(*f.driver);
  EXPECT_TRUE(f.driver->closed());
}

TEST(SessionDriver, ALingeringCloseEndsAtTheDeadline) {
  Fixture f;
  f.session->timeout = 2;
  auto t0 = Clock::now();
  f.driver->start(t0);
  write_all(f.client(), "bad\n");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 4));
  auto t1 = t0 + 500ms;
  f.driver->on_readable(t1);
  ASSERT_TRUE(f.driver->lingering());
  ASSERT_TRUE(f.driver->deadline());
  EXPECT_EQ(*f.driver->deadline(), t1 + 2s) << "the timeout armed last, afresh";
  f.driver->on_deadline(t1 + 1s);
  EXPECT_FALSE(f.driver->closed()) << "before the deadline";
  f.driver->on_deadline(t1 + 2s);
  EXPECT_TRUE(f.driver->closed());
  EXPECT_EQ(f.record.timeouts, 0) << "a lingering close's end is not the session's timeout";
}

TEST(SessionDriver, ALingeringCloseWithoutATimeoutClosesAtOnce) {
  Fixture f;
  f.driver->start(Clock::now());
  write_all(f.client(), "bad\nmore");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 8));
  f.driver->on_readable(Clock::now());
  EXPECT_TRUE(f.driver->closed()) << "nothing would bound the linger";
  EXPECT_NE(read_until_end(f.client(), 5s).end, ReadResult::timeout);
}

TEST(SessionDriver, TheSessionsTimeoutRunsAtItsDeadline) {
  Fixture f;
  f.session->timeout = 1;
  auto t0 = Clock::now();
  f.driver->start(t0);
  ASSERT_TRUE(f.driver->deadline());
  EXPECT_EQ(*f.driver->deadline(), t0 + 1s);
  f.driver->on_deadline(t0 + 999ms);
  EXPECT_EQ(f.record.timeouts, 0);
  f.driver->on_deadline(t0 + 1s);
  EXPECT_EQ(f.record.timeouts, 1);
  ReadResult got = read_until_end(f.client(), 5s);
  EXPECT_EQ(got.data, "timeout\n");
  EXPECT_EQ(got.end, ReadResult::eof);
  EXPECT_TRUE(f.driver->closed());
}

TEST(SessionDriver, TimeoutNumbersPickTheDurationAndUnknownOnesRunNone) {
  Fixture second;
  second.session->timeout = 2;
  auto t0 = Clock::now();
  second.driver->start(t0);
  ASSERT_TRUE(second.driver->deadline());
  EXPECT_EQ(*second.driver->deadline(), t0 + 2s);

  Fixture unknown;
  unknown.session->timeout = 3;  // the fixture has two
  unknown.driver->start(t0);
  EXPECT_FALSE(unknown.driver->deadline());
}

TEST(SessionDriver, TheSameTimeoutKeepsItsDeadlineAcrossEvents) {
  Fixture f;
  f.session->timeout = 1;
  auto t0 = Clock::now();
  f.driver->start(t0);
  write_all(f.client(), "a\n");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 2));
  f.driver->on_readable(t0 + 300ms);
  ASSERT_TRUE(f.driver->deadline());
  EXPECT_EQ(*f.driver->deadline(), t0 + 1s) << "no restart was asked for";
}

// restart_on_progress: every write that makes progress restarts the
// timeout (a slow but steady reader is not cut; a stalled one is).
TEST(SessionDriver, RestartOnProgressRearmsTheTimeoutOnEachWrite) {
  Fixture f(/*client_rcvbuf=*/32 * 1024, /*server_sndbuf=*/32 * 1024);
  f.session->timeout = 2;
  f.session->restart_on_progress = true;
  auto t0 = Clock::now();
  f.driver->start(t0);
  write_all(f.client(), "big\n");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 4));
  f.driver->on_readable(t0);
  ASSERT_TRUE(f.driver->wants_write());
  EXPECT_EQ(*f.driver->deadline(), t0 + 2s);
  // The client reads some; the next write makes progress at t0 + 1.5 s.
  ReadResult some = read_until(f.client(), {}, 300ms);
  ASSERT_FALSE(some.data.empty());
  auto t1 = t0 + 1500ms;
  f.driver->on_writable(t1);
  EXPECT_EQ(*f.driver->deadline(), t1 + 2s);
  // Let loopback move what it can into the client's buffer, refilling ours
  // (still at t1), until the window is full.
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(10ms);
    f.driver->on_writable(t1);
  }
  // No progress now (the client stopped reading): the deadline stays.
  f.driver->on_writable(t1 + 1s);
  EXPECT_EQ(*f.driver->deadline(), t1 + 2s);
  f.driver->on_deadline(t1 + 2s);
  EXPECT_EQ(f.record.timeouts, 1);
}

TEST(SessionDriver, WithoutRestartOnProgressWritesDoNotMoveTheDeadline) {
  Fixture f(/*client_rcvbuf=*/32 * 1024, /*server_sndbuf=*/32 * 1024);
  f.session->timeout = 2;
  auto t0 = Clock::now();
  f.driver->start(t0);
  write_all(f.client(), "big\n");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 4));
  f.driver->on_readable(t0);
  ASSERT_FALSE(read_until(f.client(), {}, 300ms).data.empty());
  f.driver->on_writable(t0 + 1500ms);
  EXPECT_EQ(*f.driver->deadline(), t0 + 2s);
}

TEST(SessionDriver, AStopLetsTheSessionFinishWhatIsInFlight) {
  Fixture f;
  f.driver->start(Clock::now());
  write_all(f.client(), "hal");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 3));
  f.driver->on_readable(Clock::now());
  f.driver->stop(Clock::now());
  EXPECT_EQ(f.record.stops, 1);
  EXPECT_FALSE(f.driver->closed()) << "half a request is in";
  ReadResult got = exchange(f, "f\n");
  EXPECT_EQ(got.data, "ok half\n");
  EXPECT_EQ(got.end, ReadResult::eof);
  EXPECT_TRUE(f.driver->closed());
}

TEST(SessionDriver, AStopOfAnIdleSessionClosesAtOnce) {
  Fixture f;
  f.driver->start(Clock::now());
  f.driver->stop(Clock::now());
  EXPECT_TRUE(f.driver->closed());
  EXPECT_EQ(read_until_end(f.client(), 5s).end, ReadResult::eof);
}

TEST(SessionDriver, ASessionThatThrowsLosesOnlyItsConnection) {
  Fixture faulty, healthy;
  faulty.driver->start(Clock::now());
  healthy.driver->start(Clock::now());
  write_all(faulty.client(), "boom\n");
  ASSERT_TRUE(wait_unread(faulty.driver->fd(), 5));
  EXPECT_NO_THROW(faulty.driver->on_readable(Clock::now()));
  EXPECT_TRUE(faulty.driver->closed());
  EXPECT_NE(read_until_end(faulty.client(), 5s).end, ReadResult::timeout);
  // Calls after the close do nothing.
  EXPECT_NO_THROW(faulty.driver->on_readable(Clock::now()));
  EXPECT_NO_THROW(faulty.driver->stop(Clock::now()));
  EXPECT_EQ(faulty.record.stops, 0);

  EXPECT_EQ(exchange(healthy, "still\nquit\n").data, "ok still\nbye\n");
}

TEST(SessionDriver, CloseDropsWhatIsQueued) {
  Fixture f(/*client_rcvbuf=*/32 * 1024, /*server_sndbuf=*/32 * 1024);
  f.driver->start(Clock::now());
  write_all(f.client(), "big\n");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 4));
  f.driver->on_readable(Clock::now());
  ASSERT_TRUE(f.driver->wants_write());
  f.driver->close();
  EXPECT_TRUE(f.driver->closed());
  EXPECT_FALSE(f.driver->wants_write());
  EXPECT_FALSE(f.driver->deadline());
  ReadResult got = read_until_end(f.client(), 5s);
  EXPECT_LT(got.data.size(), LineSession::kBig);
  EXPECT_NE(got.end, ReadResult::timeout);
}

// The hook sees the descriptor still open, once, whichever path closes it.
TEST(SessionDriver, BeforeCloseRunsOnceWhileTheDescriptorIsStillOpen) {
  Fixture f;
  int calls = 0;
  bool open_then = false;
  int fd = f.driver->fd();
  f.driver->before_close([&] {
    ++calls;
    open_then = ::fcntl(fd, F_GETFD) != -1;
  });
  f.driver->start(Clock::now());
  EXPECT_EQ(exchange(f, "quit\n").data, "bye\n");
  ASSERT_TRUE(f.driver->closed());
  f.driver->close();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(open_then);
}

// Models that read by themselves (io_uring) hand the bytes over.
TEST(SessionDriver, DeliveredBytesAndEofAreLikeReads) {
  Fixture f;
  f.session->one_per_call = true;
  f.driver->start(Clock::now());
  f.driver->deliver("x\ny\n", Clock::now());
  f.driver->deliver_eof(Clock::now());
  EXPECT_EQ(f.record.peer_closes, 1);
  pump_until_closed(*f.driver);
  EXPECT_TRUE(f.driver->closed());
  ReadResult got = read_until_end(f.client(), 5s);
  EXPECT_EQ(got.data, "ok x\nok y\n");
}

// A session that waits for work done elsewhere (as http::Session does for a
// password check): "ask\n" leaves its bytes unused and holds the input until
// a step, run through its Resume, brings the answer; then the same bytes are
// offered again and answered.
class AskingSession : public StreamSession {
 public:
  Resume resume;
  bool waiting = false;
  std::string answer;

  void attach(const std::function<Resume()>& make) override { resume = make(); }
  size_t on_data(std::string_view data, OutputQueue& out) override {
    size_t end = data.find('\n');
    if (waiting || end == std::string_view::npos) return 0;
    if (data.substr(0, end) == "ask" && answer.empty()) {
      waiting = true;
      return 0;
    }
    out.append(data.substr(0, end) == "ask" ? "answer " + answer + "\n" : "ok\n");
    return end + 1;
  }
  void on_peer_closed(OutputQueue&) override {}
  void on_timeout(OutputQueue&) override {}
  void on_stop(OutputQueue&) override {}
  SessionWants wants(const OutputQueue&) override {
    SessionWants wants;
    wants.read = !waiting;
    return wants;
  }
};

struct AskingFixture {
  Pair pair = loopback_pair();
  AskingSession* session = nullptr;
  std::unique_ptr<SessionDriver> driver;
  int afters = 0;

  AskingFixture() {
    auto owned = std::make_unique<AskingSession>();
    session = owned.get();
    driver = std::make_unique<SessionDriver>(std::move(pair.server), std::move(owned),
                                             std::vector<SessionDriver::Clock::duration>{});
  }
};

TEST(SessionDriver, WithoutOfferResumeTheSessionGetsNoResume) {
  AskingFixture f;
  f.driver->start(Clock::now());
  EXPECT_FALSE(f.session->resume);
}

TEST(SessionDriver, AResumedStepRunsThenTheHeldInputIsOfferedAgain) {
  AskingFixture f;
  f.driver->offer_resume([] { return Clock::now(); }, [&](SessionDriver&) { ++f.afters; });
  f.driver->start(Clock::now());
  ASSERT_TRUE(f.session->resume);
  write_all(f.pair.client.get(), "ask\nnext\n");
  ASSERT_TRUE(wait_unread(f.driver->fd(), 9));
  f.driver->on_readable(Clock::now());
  EXPECT_TRUE(f.session->waiting);
  EXPECT_FALSE(f.driver->wants_read()) << "input is held while the answer is made elsewhere";

  f.session->resume([&](OutputQueue&) {
    f.session->waiting = false;
    f.session->answer = "42";
  });
  EXPECT_EQ(f.afters, 1) << "the model is told, to re-arm what the driver waits for";
  EXPECT_TRUE(f.driver->wants_read());
  f.driver->close();
  ReadResult got = read_until_end(f.pair.client.get(), 5s);
  EXPECT_EQ(got.data, "answer 42\nok\n");
}

TEST(SessionDriver, AResumeThatOutlivesItsDriverDropsTheStep) {
  AskingFixture f;
  f.driver->offer_resume([] { return Clock::now(); }, [&](SessionDriver&) { ++f.afters; });
  f.driver->start(Clock::now());
  Resume kept = f.session->resume;
  f.driver.reset();  // the session (and its copy) go with it
  bool ran = false;
  kept([&](OutputQueue&) { ran = true; });
  EXPECT_FALSE(ran);
  EXPECT_EQ(f.afters, 0);
}

}  // namespace
}  // namespace muxd
