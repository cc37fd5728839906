#pragma once
// Acceptor: a listening socket on a loop; hands each new connection (already
// non-blocking) to a callback.
#include <functional>
#include <optional>

#include "core/address.h"
#include "core/event_loop.h"

namespace muxd {

// Out of descriptors (EMFILE/ENFILE) a level-triggered listener would spin:
// the acceptor refuses one pending connection with a spare descriptor, and
// when even the spare cannot be had back (another worker thread took the
// slot) it stops polling for a short back-off and then listens again. It
// never stops for good, and it logs one line per second at most.
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
  void note_refused();
  void pause_listening();

  EventLoop& loop_;
  UniqueFd listen_fd_;
  OnAccept on_accept_;
  UniqueFd spare_fd_;  // given up when out of descriptors, to refuse one connection cleanly
  bool polling_ = false;
  std::optional<EventLoop::TimerId> resume_timer_;
  uint64_t refused_ = 0;  // connections refused since the last log line
  EventLoop::Clock::time_point next_log_{};
};

}  // namespace muxd
