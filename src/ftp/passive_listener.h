#pragma once
// PassiveListener: the socket a PASV/EPSV reply points the client at. It
// accepts one data connection, and only from the control connection's IP
// (RFC 2577 §5: no stealing of someone else's transfer); strangers are closed.
// The connection may come before the transfer command does (most clients
// connect first), so it is kept until someone takes it.
#include <functional>

#include "core/address.h"
#include "core/event_loop.h"

namespace muxd::ftp {

class PassiveListener : public Watcher {
 public:
  PassiveListener(EventLoop& loop, UniqueFd listen_fd, SocketAddress control_peer);
  ~PassiveListener() override;
  PassiveListener(const PassiveListener&) = delete;
  PassiveListener& operator=(const PassiveListener&) = delete;

  uint16_t port() const { return port_; }
  bool has_connection() const { return connection_.valid(); }
  UniqueFd take_connection() { return std::move(connection_); }
  // Called once, with the accepted connection (at once if it is already there).
  void when_connected(std::function<void(UniqueFd)> callback);

  void handle_events(uint32_t events) override;

 private:
  void stop_listening();

  EventLoop& loop_;
  UniqueFd listen_fd_;
  SocketAddress control_peer_;
  uint16_t port_ = 0;
  UniqueFd connection_;
  std::function<void(UniqueFd)> on_connected_;
};

}  // namespace muxd::ftp
