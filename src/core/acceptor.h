#pragma once
// Acceptor: a listening socket on a loop; hands each new connection (already
// non-blocking) to a callback.
#include <functional>
#include <optional>

#include "core/address.h"
#include "core/event_loop.h"

namespace muxd {

// Out of descriptors (EMFILE/ENFILE) a level-triggered listener would spin.
// Instead every pending connection is refused cleanly: the process keeps one
// spare descriptor, which an acceptor frees to accept and close a connection
// and then takes back. While descriptors are short, all acceptors (one per
// worker thread) take turns on a mutex, so no other acceptor's accept4 can
// take the slot the spare leaves. When even the spare cannot be had back
// (something else took the slot) the acceptor stops polling for a short
// back-off and then listens again. It never stops for good, and it logs one
// line a second at most, counting only connections really refused.
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
  bool accept_while_starving();
  void deliver(UniqueFd fd, const SocketAddress& peer) { on_accept_(std::move(fd), peer); }
  void note(int error, const char* what);
  void pause_listening();

  EventLoop& loop_;
  UniqueFd listen_fd_;
  OnAccept on_accept_;
  bool polling_ = false;
  std::optional<EventLoop::TimerId> resume_timer_;
  uint64_t refused_ = 0;  // connections refused since the last log line
  EventLoop::Clock::time_point next_log_{};
};

}  // namespace muxd
