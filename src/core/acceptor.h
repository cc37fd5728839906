#pragma once
// Acceptor: a listening socket on a loop; hands each new connection (already
// non-blocking) to a callback.
#include <functional>

#include "core/address.h"
#include "core/event_loop.h"

namespace muxd {

class Acceptor : public Watcher {
 public:
  using OnAccept = std::function<void(UniqueFd fd, const SocketAddress& peer)>;

  Acceptor(EventLoop& loop, UniqueFd listen_fd, OnAccept on_accept);
  ~Acceptor();
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  void start();
  void stop();  // stops listening and closes the socket: new connections are refused
  bool listening() const { return listen_fd_.valid(); }
  int fd() const { return listen_fd_.get(); }

  void handle_events(uint32_t events) override;

 private:
  void shed_one_connection();

  EventLoop& loop_;
  UniqueFd listen_fd_;
  OnAccept on_accept_;
  UniqueFd spare_fd_;  // given up when out of descriptors, to refuse one connection cleanly
};

}  // namespace muxd
