#pragma once
// Connector: one non-blocking TCP connect on a loop, as connect(2) describes
// it: EINPROGRESS, then the socket turns writable and SO_ERROR says whether
// the handshake succeeded. The connected socket (or the errno) goes to `done`;
// the caller puts the socket on a TcpConnection.
//
// Re-entrancy, as with TcpConnection: a connect that fails (or succeeds) at
// once calls `done` before start() returns. A Connector may be started again
// once `done` ran, including from inside `done`. Destroying it cancels a
// connect in progress (no call). Bounding the wait is the caller's business
// (a Timer): the kernel alone gives up only after its SYN retries (~2 min).
#include <cstdint>
#include <functional>

#include "core/address.h"
#include "core/event_loop.h"
#include "core/unique_fd.h"

namespace muxd {

class Connector : public Watcher {
 public:
  // `fd` is the connected socket, or invalid with `error` an errno
  // (ECONNREFUSED, ETIMEDOUT, EMFILE...).
  using Done = std::function<void(UniqueFd fd, int error)>;

  Connector(EventLoop& loop, Done done);
  ~Connector() override;
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  void start(const SocketAddress& address);
  void cancel();  // drops a connect in progress; `done` is not called
  bool connecting() const { return fd_.valid(); }

  void handle_events(uint32_t epoll_events) override;

 private:
  void complete(UniqueFd fd, int error);

  EventLoop& loop_;
  Done done_;
  UniqueFd fd_;  // valid while connecting
};

}  // namespace muxd
