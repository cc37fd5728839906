#pragma once
// ChatServer: the IO driver around Room. One UDP socket on one EventLoop:
// recvmmsg batches in, Room decides, sendmmsg batches out; ICMP "port
// unreachable" errors (IP_RECVERR) and a periodic tick remove members that
// vanished.
#include <chrono>
#include <memory>
#include <string_view>

#include "chat/room.h"
#include "core/address.h"
#include "core/datagram_io.h"
#include "core/event_loop.h"
#include "core/timer_queue.h"
#include "core/unique_fd.h"

namespace muxd::chat {

struct ServerConfig {
  SocketAddress listen = *SocketAddress::parse("127.0.0.1:8888");
  RoomLimits limits;
};

class ChatServer : public Watcher {
 public:
  // `socket` is the bound UDP socket (core::Server binds it).
  ChatServer(EventLoop& loop, UniqueFd socket, const ServerConfig& config);
  ~ChatServer();
  ChatServer(const ChatServer&) = delete;
  ChatServer& operator=(const ChatServer&) = delete;

  SocketAddress local_address() const;
  void announce(std::string_view line);  // the operator's stdin line
  void close();                          // tells everyone the room closes

  void handle_events(uint32_t events) override;

 private:
  void receive();
  void read_errors();
  void tick();
  void deliver();
  void watch_writable(bool on);

  EventLoop& loop_;
  UniqueFd socket_;
  Room room_;
  Outbox outbox_;
  ReceiveBatch batch_;
  DatagramSender sender_;
  bool watching_writable_ = false;
  TimerQueue tick_queue_;
  Timer tick_timer_;
};

// `muxd chat`: serves until SIGINT/SIGTERM, announcing each stdin line.
int run_server(const ServerConfig& config);

}  // namespace muxd::chat
