#pragma once
// PassiveListener: the socket a PASV/EPSV reply points the client at. It
// accepts one data connection, and only from the control connection's IP
// (RFC 2577 §5: no stealing of someone else's transfer); strangers are closed.
// The connection may come before the transfer command does (most clients
// connect first), so it is kept until someone takes it.
//
// Out of descriptors (EMFILE/ENFILE), accept4 fails while the connection
// waits in the backlog, so the level-triggered socket stays ready: polling on
// would spin a core. The listener stops polling instead and tries again after
// a back-off (50 ms, doubling, kAcceptRetries times, about 1.5 s in all);
// then it gives up: it closes the socket (the client's connection is reset)
// and the transfer fails with 425, at once or when it is asked for.
#include <cstdint>
#include <functional>
#include <optional>

#include "core/address.h"
#include "core/event_loop.h"

namespace muxd::ftp {

inline constexpr int kAcceptRetries = 5;

class PassiveListener : public Watcher {
 public:
  PassiveListener(EventLoop& loop, UniqueFd listen_fd, SocketAddress control_peer);
  ~PassiveListener() override;
  PassiveListener(const PassiveListener&) = delete;
  PassiveListener& operator=(const PassiveListener&) = delete;

  uint16_t port() const { return port_; }
  bool has_connection() const { return connection_.valid(); }
  bool failed() const { return failed_; }
  UniqueFd take_connection() { return std::move(connection_); }
  // Called once, with the accepted connection (at once if it is already
  // there), or with an invalid descriptor once the listener has given up.
  void when_connected(std::function<void(UniqueFd)> callback);

  void handle_events(uint32_t events) override;

 private:
  void out_of_descriptors(int error);
  void retry();
  void give_up();
  void stop_listening();
  void deliver(UniqueFd fd);

  EventLoop& loop_;
  UniqueFd listen_fd_;
  SocketAddress control_peer_;
  uint16_t port_ = 0;
  bool polling_ = false;
  bool failed_ = false;
  int retries_ = 0;
  std::optional<EventLoop::TimerId> retry_timer_;
  UniqueFd connection_;
  std::function<void(UniqueFd)> on_connected_;
};

}  // namespace muxd::ftp
