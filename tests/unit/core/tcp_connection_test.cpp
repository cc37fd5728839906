#include "core/tcp_connection.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "core/acceptor.h"
#include "core/socket.h"

namespace muxd {
namespace {

using namespace std::chrono_literals;

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

}  // namespace
}  // namespace muxd
