#include "core/tcp_connection.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <string>
#include <thread>
#include <vector>

#include "core/acceptor.h"
#include "core/socket.h"
#include "loopback.h"

namespace muxd {
namespace {

using namespace std::chrono_literals;
using namespace test;

// ---- helpers ---------------------------------------------------------------

std::string pattern(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return bytes;
}

// A handler made of hooks; without one, it consumes data and keeps the defaults.
class Hooks : public StreamHandler {
 public:
  std::function<void(TcpConnection&, Buffer&)> data;
  std::function<void(TcpConnection&)> drained;
  std::function<void(TcpConnection&)> eof;
  std::function<void(TcpConnection&)> timeout;
  std::vector<CloseReason> closes;
  bool quit_on_close = true;

  void on_data(TcpConnection& connection, Buffer& input) override {
    if (data) return data(connection, input);
    input.consume(input.size());
  }
  void on_drained(TcpConnection& connection) override {
    if (drained) drained(connection);
  }
  void on_eof(TcpConnection& connection) override {
    if (eof) return eof(connection);
    StreamHandler::on_eof(connection);
  }
  void on_timeout(TcpConnection& connection) override {
    if (timeout) return timeout(connection);
    StreamHandler::on_timeout(connection);
  }
  void on_closed(TcpConnection& connection, CloseReason reason) override {
    closes.push_back(reason);
    if (quit_on_close) connection.loop().quit();
  }
};

// ---- echo over an acceptor (the original tests) -------------------------------

// Echoes every line back, closes after "bye".
class EchoHandler : public StreamHandler {
 public:
  CloseReason reason{};
  bool closed = false;
  void on_data(TcpConnection& connection, Buffer& input) override {
    std::string_view data = input.readable();
    bool bye = data.find("bye") != std::string_view::npos;
    connection.send(data);
    input.consume(data.size());
    if (bye) connection.close_after_drain();
  }
  void on_closed(TcpConnection& connection, CloseReason why) override {
    reason = why;
    closed = true;
    connection.loop().quit();
  }
};

std::string blocking_exchange(const SocketAddress& server, const std::string& message, bool half_close) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(::connect(fd, server.get(), server.length()), 0);
  EXPECT_EQ(::write(fd, message.data(), message.size()), static_cast<ssize_t>(message.size()));
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string reply;
  char chunk[4096];
  ssize_t n;
  while ((n = ::read(fd, chunk, sizeof(chunk))) > 0) reply.append(chunk, static_cast<size_t>(n));
  ::close(fd);
  return reply;
}

struct EchoServer {
  EventLoop loop;
  EchoHandler handler;
  std::unique_ptr<TcpConnection> connection;
  Acceptor acceptor{loop, listen_tcp(*SocketAddress::parse("127.0.0.1:0")),
                    [this](UniqueFd fd, const SocketAddress&) {
                      connection = std::make_unique<TcpConnection>(loop, std::move(fd), &handler);
                      connection->start();
                    }};
  SocketAddress address() { return local_address(acceptor.fd()); }
};

TEST(TcpConnection, EchoesAndClosesAfterDraining) {
  EchoServer server;
  server.acceptor.start();
  std::string reply;
  std::thread client([&] { reply = blocking_exchange(server.address(), "hello bye", false); });
  server.loop.run_after(5s, [&] { server.loop.quit(); });
  server.loop.run();
  client.join();
  EXPECT_EQ(reply, "hello bye");
  EXPECT_TRUE(server.handler.closed);
  EXPECT_EQ(server.handler.reason, CloseReason::local);
}

TEST(TcpConnection, ReportsAnOrderlyCloseByThePeer) {
  EchoServer server;
  server.acceptor.start();
  std::string reply;
  std::thread client([&] { reply = blocking_exchange(server.address(), "hi", true); });
  server.loop.run_after(5s, [&] { server.loop.quit(); });
  server.loop.run();
  client.join();
  EXPECT_EQ(reply, "hi");
  EXPECT_EQ(server.handler.reason, CloseReason::peer_closed);
}

// ---- read-first start -----------------------------------------------------------

TEST(TcpConnectionReadFirst, DeliversWhatThePeerAlreadySentDuringStartThenStaysRegistered) {
  EventLoop loop;
  Pair pair = loopback_pair();
  write_all(pair.client.get(), "hello ");
  ASSERT_TRUE(wait_unread(pair.server.get(), 6));

  Hooks handler;
  std::string got;
  handler.data = [&](TcpConnection& connection, Buffer& input) {
    got += input.readable();
    input.consume(input.size());
    if (got == "hello world") connection.close();
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start(TcpConnection::Start::read_first);
  EXPECT_EQ(got, "hello ") << "the bytes already there are handed over inside start()";
  EXPECT_FALSE(connection.closed());

  // Registered with the loop: later bytes arrive through epoll.
  write_all(pair.client.get(), "world");
  run_for(loop, 5s);
  EXPECT_EQ(got, "hello world");
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::local});
}

TEST(TcpConnectionReadFirst, RegistersWhenNothingArrivedYet) {
  EventLoop loop;
  Pair pair = loopback_pair();
  Hooks handler;
  std::string got;
  handler.data = [&](TcpConnection& connection, Buffer& input) {
    got += input.readable();
    input.consume(input.size());
    connection.close();
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start(TcpConnection::Start::read_first);
  EXPECT_EQ(got, "");
  write_all(pair.client.get(), "late");
  run_for(loop, 5s);
  EXPECT_EQ(got, "late");
  EXPECT_EQ(handler.closes.size(), 1u);
}

TEST(TcpConnectionReadFirst, AShortExchangeFinishesInsideStart) {
  EventLoop loop;
  Pair pair = loopback_pair();
  write_all(pair.client.get(), "ping");
  ASSERT_TRUE(wait_unread(pair.server.get(), 4));
  Hooks handler;
  handler.quit_on_close = false;
  handler.data = [&](TcpConnection& connection, Buffer& input) {
    input.consume(input.size());
    connection.send("pong");
    connection.close_after_drain();
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start(TcpConnection::Start::read_first);  // the loop never runs
  EXPECT_TRUE(connection.closed());
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::local});
  ReadResult reply = read_until_end(pair.client.get(), 5s);
  EXPECT_EQ(reply.data, "pong");
  EXPECT_EQ(reply.end, ReadResult::eof);
}

TEST(TcpConnectionReadFirst, APeerThatAlreadyClosedIsReportedRightAfterStart) {
  EventLoop loop;
  Pair pair = loopback_pair();
  write_all(pair.client.get(), "last words");
  ::shutdown(pair.client.get(), SHUT_WR);
  ASSERT_TRUE(wait_unread(pair.server.get(), 10));
  Hooks handler;
  handler.quit_on_close = false;
  std::string got;
  handler.data = [&](TcpConnection&, Buffer& input) {
    got += input.readable();
    input.consume(input.size());
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start(TcpConnection::Start::read_first);
  EXPECT_EQ(got, "last words");
  // One read per wake-up: the EOF comes with the next one.
  run_for(loop, 5s);
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::peer_closed});
}

// ---- the loop's scratch read buffer ---------------------------------------------

Buffer* scratch_of(EventLoop& loop) {
  Buffer* scratch = loop.borrow_scratch();
  loop.return_scratch();
  return scratch;
}

// Consumes whole lines, keeps the unfinished one; notes which buffer it was
// handed and that buffer's capacity.
struct LineHandler : Hooks {
  std::vector<const Buffer*> buffers;
  std::vector<size_t> capacities;
  std::vector<std::string> tails;
  std::string lines;
  LineHandler() {
    quit_on_close = false;
    data = [this](TcpConnection&, Buffer& input) {
      buffers.push_back(&input);
      capacities.push_back(input.capacity());
      std::string_view readable = input.readable();
      size_t end = readable.rfind('\n');
      if (end != std::string_view::npos) {
        lines += readable.substr(0, end + 1);
        input.consume(end + 1);
      }
      tails.emplace_back(input.readable());
    };
  }
};

std::string lines_of(size_t total, char fill) {
  std::string text;
  while (text.size() + 100 <= total) text += std::string(99, fill) + "\n";
  return text;
}

// Delivers exactly `bytes` from the client as one read, as the loop would.
void feed(TcpConnection& connection, int client, const std::string& bytes) {
  write_all(client, bytes);
  ASSERT_TRUE(wait_unread(connection.fd(), static_cast<int>(bytes.size())));
  connection.handle_events(EPOLLIN);
}

TEST(TcpConnectionScratch, ReadsLandInTheLoopBufferWhenTheHandlerUsesEverything) {
  EventLoop loop;
  Pair pair = loopback_pair();
  LineHandler handler;
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  Buffer* scratch = scratch_of(loop);
  for (int round = 0; round < 3; ++round) feed(connection, pair.client.get(), lines_of(12000, 'a'));
  ASSERT_EQ(handler.buffers.size(), 3u);
  for (const Buffer* buffer : handler.buffers) EXPECT_EQ(buffer, scratch);
  EXPECT_EQ(connection.buffered_input(), 0u);
  EXPECT_EQ(handler.lines.size(), 3 * lines_of(12000, 'a').size());
}

TEST(TcpConnectionScratch, AHandlerThatLeavesATailAfterABigReadKeepsOnlyTheTail) {
  EventLoop loop;
  Pair pair = loopback_pair();
  LineHandler handler;
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  Buffer* scratch = scratch_of(loop);

  feed(connection, pair.client.get(), lines_of(12000, 'a') + "unfinished");
  EXPECT_EQ(connection.buffered_input(), 10u);  // the tail, nothing else
  feed(connection, pair.client.get(), " line\n");

  ASSERT_EQ(handler.buffers.size(), 2u);
  EXPECT_EQ(handler.buffers[0], scratch);
  EXPECT_NE(handler.buffers[1], scratch) << "the kept tail and the new bytes come in the connection's buffer";
  EXPECT_LE(handler.capacities[1], 4096u) << "the connection's buffer holds the tail, not a read-sized copy";
  EXPECT_EQ(handler.lines.substr(handler.lines.size() - 16), "unfinished line\n");
  EXPECT_EQ(connection.buffered_input(), 0u);
}

// Regression test (the bug it found is fixed): once a tail is kept, the next read is appended whole to the
// connection's own buffer (handle_read: `input_.append(scratch->readable())`),
// so after one big read the connection keeps a read-sized buffer (~16 KiB,
// doubled on growth) for a tail of a few bytes, for as long as it lives.
// Expected: the tail stays in a small buffer, e.g. by moving the tail into the
// scratch buffer before reading and copying back only the new tail.
TEST(TcpConnectionScratch, ATailStaysSmallAcrossBigReads) {
  EventLoop loop;
  Pair pair = loopback_pair();
  LineHandler handler;
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  feed(connection, pair.client.get(), lines_of(12000, 'a') + "tail-1");
  feed(connection, pair.client.get(), lines_of(12000, 'b') + "tail-2");
  EXPECT_EQ(connection.buffered_input(), 6u);
  feed(connection, pair.client.get(), "\n");
  ASSERT_EQ(handler.capacities.size(), 3u);
  EXPECT_LE(handler.capacities[2], 4096u) << "a 6-byte tail held in a buffer of " << handler.capacities[2];
}

// ---- closing after the output drains ---------------------------------------------

TEST(TcpConnectionClose, ALargeReplyDrainsThenEofFollows) {
  EventLoop loop;
  Pair pair = loopback_pair(16 * 1024, 16 * 1024);
  const std::string reply = pattern(2 << 20);
  Hooks handler;
  handler.data = [&](TcpConnection& connection, Buffer& input) {
    input.consume(input.size());
    connection.send(reply);  // mostly still queued: the client has not read yet
    EXPECT_GT(connection.pending_output(), 0u);
    connection.close_after_drain();
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  ReadResult got;
  std::thread client([&] {
    write_all(pair.client.get(), "GET");
    got = read_until_end(pair.client.get(), 20s);
  });
  run_for(loop, 20s);
  client.join();
  EXPECT_EQ(got.end, ReadResult::eof);
  EXPECT_EQ(got.data.size(), reply.size());
  EXPECT_TRUE(got.data == reply);
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::local});
}

// On the first input the handler calls `answer`, which queues a reply through
// output() and closes after drain; the loop runs for `run` at most, then the
// peer must read `expected` and EOF within `read`.
void expect_the_answer_then_eof(std::function<void(TcpConnection&)> answer, std::string_view expected,
                                std::chrono::milliseconds run, std::chrono::milliseconds read) {
  EventLoop loop;
  Pair pair = loopback_pair();
  Hooks handler;
  handler.data = [&](TcpConnection& connection, Buffer& input) {
    input.consume(input.size());
    answer(connection);
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  write_all(pair.client.get(), "x");
  run_for(loop, run);
  ReadResult got = read_until_end(pair.client.get(), read);
  EXPECT_EQ(got.data, expected);
  EXPECT_EQ(got.end, ReadResult::eof);
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::local});
}

// The last bytes go out with MSG_MORE (they leave with the FIN): they must
// still arrive, whole, and be followed by EOF.
TEST(TcpConnectionClose, QueuedBytesFlushedAfterCloseAfterDrainArriveThenEof) {
  auto answer = [](TcpConnection& connection) {
    connection.output().append("HTTP/1.1 200 OK\r\n\r\n");
    connection.output().append("the last words");
    connection.close_after_drain();
    connection.flush();
  };
  expect_the_answer_then_eof(answer, "HTTP/1.1 200 OK\r\n\r\nthe last words", 5s, 5s);
}

// Regression test (the bug it found is fixed): close_after_drain() says "Sends what is queued, then
// closes", but with bytes queued through output() and not yet flushed it only
// sets a flag: nothing writes them and EPOLLOUT is not asked for, so the reply
// and the close wait until the peer happens to send something (or forever).
TEST(TcpConnectionClose, CloseAfterDrainSendsBytesQueuedWithoutFlush) {
  auto answer = [](TcpConnection& connection) {
    connection.output().append("bye");
    connection.close_after_drain();  // no flush()
  };
  expect_the_answer_then_eof(answer, "bye", 2s, 1s);
}

// ---- lingering close ------------------------------------------------------------

// The peer keeps sending after the request our reply answers (e.g. a request
// body we refuse). A plain close with unread input would send RST and could
// destroy the reply; lingering, the peer reads all of it, then EOF.
TEST(TcpConnectionLinger, ThePeerReadsTheWholeReplyThenEofWhileItKeepsSending) {
  EventLoop loop;
  TimerQueue linger_timeout(loop, 10s);
  Pair pair = loopback_pair(32 * 1024, 32 * 1024);
  const std::string reply = "HTTP/1.1 413 Content Too Large\r\n\r\n" + pattern(300 * 1024);
  Hooks handler;
  bool answered = false;
  bool lingered = false;
  handler.data = [&](TcpConnection& connection, Buffer& input) {
    input.consume(input.size());
    if (answered) return;
    answered = true;
    connection.send(reply);
    connection.arm_timeout(linger_timeout);
    connection.close_after_drain(TcpConnection::Linger::yes);
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  std::function<void()> watch = [&] {
    lingered = lingered || connection.lingering();
    if (!connection.closed()) loop.run_after(2ms, watch);
  };
  loop.run_after(2ms, watch);

  ReadResult got;
  std::atomic<bool> reading_done{false};
  bool sent_after_eof = false;
  std::thread writer([&] {
    // The request, then up to 64 KiB more the server never wants, written while the reply comes.
    write_all(pair.client.get(), "PUT /big HTTP/1.1\r\n\r\n");
    std::string more(4096, 'z');
    for (int i = 0; i < 16 && !reading_done; ++i) {
      if (::send(pair.client.get(), more.data(), more.size(), MSG_NOSIGNAL) <= 0) break;
      std::this_thread::sleep_for(2ms);
    }
  });
  std::thread reader([&] {
    got = read_until_end(pair.client.get(), 20s);
    reading_done = true;
    // Still sending after our EOF: the server keeps reading, no reset.
    std::string tail(8192, 'y');
    sent_after_eof = ::send(pair.client.get(), tail.data(), tail.size(), MSG_NOSIGNAL) ==
                     static_cast<ssize_t>(tail.size());
    std::this_thread::sleep_for(50ms);
    ::shutdown(pair.client.get(), SHUT_WR);  // the client is done: the lingering close ends
  });
  run_for(loop, 20s);
  reader.join();
  writer.join();

  EXPECT_EQ(got.end, ReadResult::eof) << "the reply must end in EOF, not a reset";
  EXPECT_EQ(got.data.size(), reply.size());
  EXPECT_TRUE(got.data == reply);
  EXPECT_TRUE(sent_after_eof);
  EXPECT_TRUE(lingered);
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::local});
  // And nothing after the EOF: no reset arrived while the server read our tail.
  ReadResult after = read_until_end(pair.client.get(), 2s);
  EXPECT_EQ(after.data, "");
  EXPECT_EQ(after.end, ReadResult::eof);
}

TEST(TcpConnectionLinger, APeerThatNeverClosesIsCutAtTheArmedTimeout) {
  EventLoop loop;
  TimerQueue linger_timeout(loop, 100ms);
  Pair pair = loopback_pair();
  Hooks handler;
  handler.data = [&](TcpConnection& connection, Buffer& input) {
    input.consume(input.size());
    connection.send("no");
    connection.arm_timeout(linger_timeout);
    connection.close_after_drain(TcpConnection::Linger::yes);
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  write_all(pair.client.get(), "ask");
  auto started = Clock::now();
  run_for(loop, 10s);
  EXPECT_LT(Clock::now() - started, 9s);
  ASSERT_EQ(handler.closes.size(), 1u);
  // The lingering close ends as a local close (CloseReason::timed_out's
  // comment says "the armed timeout expired while lingering"; the code reports local).
  EXPECT_EQ(handler.closes[0], CloseReason::local);
  ReadResult got = read_until_end(pair.client.get(), 2s);
  EXPECT_EQ(got.data, "no");
  EXPECT_EQ(got.end, ReadResult::eof);
}

// Input the handler left unread says the peer may still be sending: a plain
// close_after_drain() lingers too. The handler answers "ask\n" with "no" and
// leaves "and more" unread; `reads` is how the input arrives, one read each.
// The close lingers until the peer closes, and the peer gets the answer, then EOF.
void expect_a_plain_close_after_drain_lingers(std::initializer_list<std::string> reads) {
  EventLoop loop;
  TimerQueue linger_timeout(loop, 10s);
  Pair pair = loopback_pair();
  Hooks handler;
  bool lingering = false;
  handler.data = [&](TcpConnection& connection, Buffer& input) {
    size_t end = input.readable().find('\n');
    if (end == std::string_view::npos) return;  // keep the unfinished request
    input.consume(end + 1);                     // "ask\n"; "and more" stays unread
    connection.send("no");
    connection.arm_timeout(linger_timeout);
    connection.close_after_drain();
    lingering = connection.lingering();
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  for (const std::string& bytes : reads) feed(connection, pair.client.get(), bytes);
  EXPECT_TRUE(lingering);
  ::shutdown(pair.client.get(), SHUT_WR);
  run_for(loop, 10s);
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::local});
  ReadResult got = read_until_end(pair.client.get(), 2s);
  EXPECT_EQ(got.data, "no");
  EXPECT_EQ(got.end, ReadResult::eof);
}

// The unread bytes are a tail kept in the connection's own buffer.
TEST(TcpConnectionLinger, AKeptTailMakesAPlainCloseAfterDrainLinger) {
  expect_a_plain_close_after_drain_lingers({"as", "k\nand more"});
}

// Regression test (the bug it found is fixed): the rule above depends on where the unread bytes are. On a
// first read they sit in the loop's scratch buffer, which close_after_drain()
// does not look at (it checks only the connection's own input_), so the same
// handler closes at once without lingering, and a peer still sending gets RST.
// Expected: unread input lingers whichever buffer holds it.
TEST(TcpConnectionLinger, InputLeftUnreadOnAFirstReadMakesAPlainCloseAfterDrainLinger) {
  expect_a_plain_close_after_drain_lingers({"ask\nand more"});
}

// ---- timeouts -------------------------------------------------------------------

TEST(TcpConnectionTimeout, AnArmedTimeoutCallsOnTimeout) {
  EventLoop loop;
  TimerQueue queue(loop, 30ms);
  Pair pair = loopback_pair();
  Hooks handler;
  int timeouts = 0;
  handler.timeout = [&](TcpConnection& connection) {
    ++timeouts;
    connection.send("408");
    connection.close_after_drain();
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  connection.arm_timeout(queue);
  EXPECT_EQ(connection.timeout_queue(), &queue);
  run_for(loop, 10s);
  EXPECT_EQ(timeouts, 1);
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::local});
  ReadResult got = read_until_end(pair.client.get(), 2s);
  EXPECT_EQ(got.data, "408");
  EXPECT_EQ(got.end, ReadResult::eof);
}

TEST(TcpConnectionTimeout, TheDefaultOnTimeoutClosesAsTimedOut) {
  EventLoop loop;
  TimerQueue queue(loop, 30ms);
  Pair pair = loopback_pair();
  Hooks handler;
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  connection.arm_timeout(queue);
  run_for(loop, 10s);
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::timed_out});
  EXPECT_EQ(connection.timeout_queue(), nullptr);
}

TEST(TcpConnectionTimeout, ACancelledTimeoutNeverFires) {
  EventLoop loop;
  TimerQueue queue(loop, 20ms);
  Pair pair = loopback_pair();
  Hooks handler;
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  connection.arm_timeout(queue);
  connection.cancel_timeout();
  EXPECT_EQ(connection.timeout_queue(), nullptr);
  run_for(loop, 200ms);
  EXPECT_TRUE(handler.closes.empty());
}

// A slow reader that keeps taking bytes: with restart_on_progress, every write
// that makes progress restarts the timeout, so a transfer much longer than the
// timeout completes; as a plain deadline the same transfer is cut.
struct SlowTransfer {
  std::vector<CloseReason> closes;
  size_t received = 0;
  ReadResult::End end = ReadResult::timeout;
};

SlowTransfer slow_transfer(bool restart_on_progress) {
  EventLoop loop;
  TimerQueue queue(loop, 600ms);
  Pair pair = loopback_pair(16 * 1024, 16 * 1024);
  const std::string body = pattern(2 << 20);
  Hooks handler;
  handler.data = [&](TcpConnection& connection, Buffer& input) {
    input.consume(input.size());
    connection.send(body);
    connection.arm_timeout(queue, restart_on_progress);
    connection.close_after_drain();
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  SlowTransfer result;
  std::thread client([&] {
    write_all(pair.client.get(), "GET");
    // 16 KiB every 10 ms at most: 2 MiB takes well over a second.
    ReadResult got = read_until_end(pair.client.get(), 30s, 10ms, 16 * 1024);
    result.received = got.data.size();
    result.end = got.end;
  });
  run_for(loop, 30s);
  client.join();
  result.closes = handler.closes;
  return result;
}

TEST(TcpConnectionTimeout, RestartOnProgressKeepsASlowButSteadyTransferAlive) {
  SlowTransfer result = slow_transfer(true);
  EXPECT_EQ(result.closes, std::vector<CloseReason>{CloseReason::local});
  EXPECT_EQ(result.received, size_t{2} << 20);
  EXPECT_EQ(result.end, ReadResult::eof);
}

TEST(TcpConnectionTimeout, WithoutRestartOnProgressTheTimeoutIsADeadline) {
  SlowTransfer result = slow_transfer(false);
  EXPECT_EQ(result.closes, std::vector<CloseReason>{CloseReason::timed_out});
}

// ---- the peer's EOF -------------------------------------------------------------

TEST(TcpConnectionEof, TheDefaultOnEofClosesAsPeerClosed) {
  EventLoop loop;
  Pair pair = loopback_pair();
  Hooks handler;
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  write_all(pair.client.get(), "data");
  ::shutdown(pair.client.get(), SHUT_WR);
  run_for(loop, 5s);
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::peer_closed});
  EXPECT_TRUE(connection.closed());
}

TEST(TcpConnectionEof, AnOnEofOverrideMayStillAnswer) {
  EventLoop loop;
  Pair pair = loopback_pair();
  Hooks handler;
  std::string request;
  handler.data = [&](TcpConnection&, Buffer& input) {
    request += input.readable();
    input.consume(input.size());
  };
  handler.eof = [&](TcpConnection& connection) {
    EXPECT_TRUE(connection.peer_closed());
    connection.send("answer to " + request);
    connection.close_after_drain();
  };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  write_all(pair.client.get(), "question");
  ::shutdown(pair.client.get(), SHUT_WR);
  run_for(loop, 5s);
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::local});
  ReadResult got = read_until_end(pair.client.get(), 2s);
  EXPECT_EQ(got.data, "answer to question");
  EXPECT_EQ(got.end, ReadResult::eof);
}

// ---- handlers that throw ------------------------------------------------------

struct Fault : std::runtime_error {
  Fault() : std::runtime_error("handler fault for the test") {}
};

// Throws on "boom", echoes anything else.
struct Volatile : Hooks {
  Volatile() {
    quit_on_close = false;
    data = [](TcpConnection& connection, Buffer& input) {
      std::string text(input.readable());
      input.consume(input.size());
      if (text.find("boom") != std::string::npos) throw Fault();
      connection.send(text);
    };
  }
};

TEST(TcpConnectionFault, AThrowingOnDataClosesOnlyItsConnection) {
  EventLoop loop;
  Pair bad = loopback_pair();
  Pair good = loopback_pair();
  Volatile bad_handler;
  Volatile good_handler;
  TcpConnection bad_connection(loop, std::move(bad.server), &bad_handler);
  TcpConnection good_connection(loop, std::move(good.server), &good_handler);
  bad_connection.start();
  good_connection.start();

  ReadResult bad_end, echo;
  std::thread client([&] {
    write_all(bad.client.get(), "boom");
    bad_end = read_until_end(bad.client.get(), 5s);
    write_all(good.client.get(), "still here");
    ::shutdown(good.client.get(), SHUT_WR);
    echo = read_until_end(good.client.get(), 5s);
    loop.quit();
  });
  testing::internal::CaptureStderr();
  run_for(loop, 15s);
  std::string log = testing::internal::GetCapturedStderr();
  client.join();

  EXPECT_EQ(bad_handler.closes, std::vector<CloseReason>{CloseReason::error});
  EXPECT_NE(bad_end.end, ReadResult::timeout) << "the faulty connection must be closed, not left hanging";
  EXPECT_EQ(bad_end.data, "");
  EXPECT_EQ(echo.data, "still here");
  EXPECT_EQ(good_handler.closes, std::vector<CloseReason>{CloseReason::peer_closed});
  EXPECT_NE(log.find("handler fault for the test"), std::string::npos) << log;
}

TEST(TcpConnectionFault, AThrowingOnTimeoutClosesWithError) {
  EventLoop loop;
  TimerQueue queue(loop, 10ms);
  Pair pair = loopback_pair();
  Hooks handler;
  handler.timeout = [](TcpConnection&) { throw Fault(); };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  connection.arm_timeout(queue);
  testing::internal::CaptureStderr();
  run_for(loop, 5s);
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::error});
  EXPECT_NE(log.find("handler fault for the test"), std::string::npos) << log;
  EXPECT_NE(read_until_end(pair.client.get(), 2s).end, ReadResult::timeout);
}

TEST(TcpConnectionFault, AThrowingOnEofClosesWithError) {
  EventLoop loop;
  Pair pair = loopback_pair();
  Hooks handler;
  handler.eof = [](TcpConnection&) { throw Fault(); };
  TcpConnection connection(loop, std::move(pair.server), &handler);
  connection.start();
  ::shutdown(pair.client.get(), SHUT_WR);
  testing::internal::CaptureStderr();
  run_for(loop, 5s);
  std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(handler.closes, std::vector<CloseReason>{CloseReason::error});
  EXPECT_NE(log.find("handler fault for the test"), std::string::npos) << log;
}

// How servers start connections: inside the acceptor's callback, read first
// (TCP_DEFER_ACCEPT), so the first on_data runs inside start().
struct ReadFirstServer {
  EventLoop loop;
  std::vector<std::unique_ptr<Volatile>> handlers;
  std::vector<std::unique_ptr<TcpConnection>> connections;
  Acceptor acceptor{loop, listen_tcp(*SocketAddress::parse("127.0.0.1:0")),
                    [this](UniqueFd fd, const SocketAddress&) {
                      auto& handler = handlers.emplace_back(std::make_unique<Volatile>());
                      auto& connection =
                          connections.emplace_back(std::make_unique<TcpConnection>(loop, std::move(fd), handler.get()));
                      connection->start(TcpConnection::Start::read_first);
                    }};
};

UniqueFd connect_and_send(const SocketAddress& address, std::string_view bytes) {
  UniqueFd fd = client_socket();
  connect_to(fd, address);
  write_all(fd.get(), bytes);
  return fd;
}

TEST(TcpConnectionFault, TheLoopSurvivesAThrowInsideAReadFirstStart) {
  ReadFirstServer server;
  server.acceptor.start();
  SocketAddress address = local_address(server.acceptor.fd());
  UniqueFd bad = connect_and_send(address, "boom");
  ReadResult echo;
  std::thread client([&] {
    std::this_thread::sleep_for(100ms);  // after the faulty one was accepted
    UniqueFd good = connect_and_send(address, "fine");
    ::shutdown(good.get(), SHUT_WR);
    echo = read_until_end(good.get(), 5s);
    server.loop.quit();
  });
  testing::internal::CaptureStderr();
  run_for(server.loop, 15s);
  std::string log = testing::internal::GetCapturedStderr();
  client.join();
  EXPECT_EQ(echo.data, "fine");
  EXPECT_NE(log.find("handler fault for the test"), std::string::npos) << log;
}

// Regression test (the bug it found is fixed): an exception from on_data inside start(Start::read_first)
// escapes start() (handle_events is called directly, not through the loop's
// dispatch), so nothing closes the connection: it stays open and unregistered
// (starting_ is left true, so update_interest() never registers it), the
// handler never hears on_closed, and the client hangs until it gives up. The
// loop's catch around the acceptor calls Acceptor::handle_failure(), which
// does nothing. Expected: closed with CloseReason::error like any other fault.
TEST(TcpConnectionFault, AThrowInsideAReadFirstStartClosesThatConnection) {
  ReadFirstServer server;
  server.acceptor.start();
  SocketAddress address = local_address(server.acceptor.fd());
  UniqueFd bad = connect_and_send(address, "boom");
  ReadResult bad_end;
  std::thread client([&] {
    bad_end = read_until_end(bad.get(), 3s);
    server.loop.quit();
  });
  testing::internal::CaptureStderr();
  run_for(server.loop, 15s);
  testing::internal::GetCapturedStderr();
  client.join();
  EXPECT_NE(bad_end.end, ReadResult::timeout) << "the faulty connection was left open";
  ASSERT_EQ(server.handlers.size(), 1u);
  EXPECT_EQ(server.handlers[0]->closes, std::vector<CloseReason>{CloseReason::error});
}

}  // namespace
}  // namespace muxd
