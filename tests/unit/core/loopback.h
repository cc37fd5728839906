// Helpers shared by the core unit tests (one binary, muxd_core_tests): loopback
// TCP pairs, blocking client-side reads and writes, and driving an EventLoop
// for a bounded time. Everything is inline so that several test files can
// include it.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "core/event_loop.h"
#include "core/socket.h"

namespace muxd::test {

using Clock = std::chrono::steady_clock;

// A blocking client socket; connect() needs no further descriptor.
inline UniqueFd client_socket() { return UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)); }

inline void connect_to(const UniqueFd& client, const SocketAddress& address) {
  EXPECT_EQ(::connect(client.get(), address.get(), address.length()), 0) << std::strerror(errno);
}

// A connected loopback pair: `client` blocking (the test's peer), `server`
// non-blocking, as the acceptor hands it over.
struct Pair {
  UniqueFd client;
  UniqueFd server;
};

inline Pair loopback_pair(int client_rcvbuf = 0, int server_sndbuf = 0) {
  ::signal(SIGPIPE, SIG_IGN);
  UniqueFd listener = listen_tcp(*SocketAddress::parse("127.0.0.1:0"), 16);
  SocketAddress address = local_address(listener.get());
  Pair pair;
  pair.client = client_socket();
  if (client_rcvbuf)
    ::setsockopt(pair.client.get(), SOL_SOCKET, SO_RCVBUF, &client_rcvbuf, sizeof client_rcvbuf);
  connect_to(pair.client, address);
  pollfd ready{listener.get(), POLLIN, 0};
  EXPECT_EQ(::poll(&ready, 1, 5000), 1);
  pair.server.reset(::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  EXPECT_TRUE(pair.server.valid());
  if (server_sndbuf)
    ::setsockopt(pair.server.get(), SOL_SOCKET, SO_SNDBUF, &server_sndbuf, sizeof server_sndbuf);
  return pair;
}

inline void write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    ASSERT_GT(n, 0) << std::strerror(errno);
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// Waits (bounded) until `fd` has `bytes` unread bytes in its receive queue,
// so that the next read(2) takes them in one go. False on a timeout or when
// more than `bytes` arrived.
inline bool wait_unread(int fd, int bytes, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto deadline = Clock::now() + limit;
  int unread = 0;
  while (Clock::now() < deadline) {
    if (::ioctl(fd, FIONREAD, &unread) == 0 && unread >= bytes) return unread == bytes;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

struct ReadResult {
  enum End { eof, reset, timeout };
  std::string data;
  End end = timeout;
};

// Reads until EOF, reset, `until` seen (end stays timeout) or the deadline;
// `pace` sleeps between reads (a slow reader), `chunk` bounds each read.
inline ReadResult read_until(int fd, std::string_view until = {},
                             std::chrono::milliseconds limit = std::chrono::seconds(10),
                             std::chrono::milliseconds pace = {}, size_t chunk = 65536) {
  ReadResult result;
  auto deadline = Clock::now() + limit;
  std::string buffer(chunk, '\0');
  for (;;) {
    if (!until.empty() && result.data.find(until) != std::string::npos) return result;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return result;
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(left)) <= 0) continue;
    ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      result.data.append(buffer.data(), static_cast<size_t>(n));
      if (pace.count()) std::this_thread::sleep_for(pace);
      continue;
    }
    result.end = n == 0 ? ReadResult::eof : ReadResult::reset;
    return result;
  }
}

// Reads until EOF, reset or the deadline.
inline ReadResult read_until_end(int fd, std::chrono::milliseconds limit = std::chrono::seconds(10),
                                 std::chrono::milliseconds pace = {}, size_t chunk = 65536) {
  return read_until(fd, {}, limit, pace, chunk);
}

// Runs the loop until something quits it, or for `safety` at most.
inline void run_for(EventLoop& loop, std::chrono::milliseconds safety) {
  auto id = loop.run_after(safety, [&loop] { loop.quit(); });
  loop.run();
  loop.cancel(id);
}

// Polls `predicate` every 2 ms until it holds (true) or `limit` passed (false).
template <typename Predicate>
bool wait_for(Predicate predicate, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = Clock::now() + limit;
  while (!predicate()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace muxd::test
