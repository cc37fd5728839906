#include "core/connector.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>

#include "core/socket.h"

namespace muxd {
namespace {

using namespace std::chrono_literals;

struct Outcome {
  int calls = 0;
  bool connected = false;
  int error = 0;
};

// Runs the loop until the connector reported (or a safety bound passed).
Outcome connect_once(const SocketAddress& address) {
  EventLoop loop;
  Outcome outcome;
  Connector connector(loop, [&](UniqueFd fd, int error) {
    ++outcome.calls;
    outcome.connected = fd.valid();
    outcome.error = error;
    loop.quit();
  });
  connector.start(address);
  loop.run_after(5s, [&loop] { loop.quit(); });
  if (outcome.calls == 0) loop.run();
  return outcome;
}

TEST(Connector, HandsOverTheConnectedSocket) {
  UniqueFd listener = listen_tcp(*SocketAddress::parse("127.0.0.1:0"));
  Outcome outcome = connect_once(local_address(listener.get()));
  EXPECT_EQ(outcome.calls, 1);
  EXPECT_TRUE(outcome.connected);
  EXPECT_EQ(outcome.error, 0);
}

TEST(Connector, ReportsARefusedConnect) {
  SocketAddress closed_port;
  {
    UniqueFd listener = listen_tcp(*SocketAddress::parse("127.0.0.1:0"));
    closed_port = local_address(listener.get());
  }  // closed: nothing listens there any more
  Outcome outcome = connect_once(closed_port);
  EXPECT_EQ(outcome.calls, 1);
  EXPECT_FALSE(outcome.connected);
  EXPECT_EQ(outcome.error, ECONNREFUSED);
}

TEST(Connector, CanStartAgainFromItsOwnCallback) {
  UniqueFd listener = listen_tcp(*SocketAddress::parse("127.0.0.1:0"));
  SocketAddress address = local_address(listener.get());
  EventLoop loop;
  int connected = 0;
  Connector* self = nullptr;
  Connector connector(loop, [&](UniqueFd fd, int) {
    if (fd.valid()) ++connected;
    if (connected < 3) return self->start(address);
    loop.quit();
  });
  self = &connector;
  connector.start(address);
  loop.run_after(5s, [&loop] { loop.quit(); });
  loop.run();
  EXPECT_EQ(connected, 3);
}

TEST(Connector, CancelledOrDestroyedItNeverCalls) {
  UniqueFd listener = listen_tcp(*SocketAddress::parse("127.0.0.1:0"));
  SocketAddress address = local_address(listener.get());
  EventLoop loop;
  int calls = 0;
  Connector cancelled(loop, [&](UniqueFd, int) { ++calls; });
  cancelled.start(address);
  EXPECT_TRUE(cancelled.connecting());
  cancelled.cancel();
  EXPECT_FALSE(cancelled.connecting());
  {
    Connector destroyed(loop, [&](UniqueFd, int) { ++calls; });
    destroyed.start(address);
  }
  loop.run_after(50ms, [&loop] { loop.quit(); });
  loop.run();
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace muxd
