#pragma once
// TcpConnection: the one stream connection every TCP service runs on. One
// non-blocking socket on one loop, an input buffer, an ordered output queue
// (bytes and sendfile ranges), one timeout timer, and the ways to close that
// a server needs:
//   - read first: start() can read before registering with epoll, so a
//     request that arrived with the connection (TCP_DEFER_ACCEPT) is answered
//     without an epoll_ctl, and a short exchange never touches epoll;
//   - one read buffer per loop: a read lands in the loop's scratch buffer and
//     the connection keeps only the bytes its handler left unused, so ten
//     thousand idle clients hold no read buffers;
//   - close after the output drains, its last bytes sent with MSG_MORE so
//     they share a segment with the FIN;
//   - lingering close: when the peer may still be sending, shut our side
//     down and read until it closes (nginx's lingering_close), because
//     closing with unread input sends RST, which can destroy the very reply
//     that explains the close (RFC 9112 §9.6);
//   - one timer, moved between the owner's fixed-duration TimerQueues.
//
// The handler hears about data, a drained output queue, the peer's EOF, a
// timeout and the close. The connection never deletes itself or its handler:
// whoever owns them destroys them from on_closed through
// EventLoop::destroy_later(). A handler that throws gets its connection
// closed (reason: error); the worker goes on.
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/address.h"
#include "core/buffer.h"
#include "core/event_loop.h"
#include "core/output_queue.h"
#include "core/timer_queue.h"

namespace muxd {

class TcpConnection;

enum class CloseReason {
  peer_closed,  // orderly EOF from the peer (after all its data was delivered)
  error,        // reset, write error, a file that shrank while being sent, a handler fault
  local,        // close() or close_after_drain() from our side
  timed_out,    // the armed timeout expired (StreamHandler's default on_timeout)
};

class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // New bytes are in `input` (with any the handler left there before).
  // Consume what was used; what is left is kept for the next call.
  virtual void on_data(TcpConnection& connection, Buffer& input) = 0;
  virtual void on_drained(TcpConnection&) {}
  // The peer sent FIN. By default the connection closes now (peer_closed);
  // a request/response protocol may still answer what it has.
  virtual void on_eof(TcpConnection& connection);
  // The armed timeout expired. By default the connection closes (timed_out).
  virtual void on_timeout(TcpConnection& connection);
  virtual void on_closed(TcpConnection& connection, CloseReason reason) = 0;
};

class TcpConnection : public Watcher {
 public:
  enum class Linger : bool { no, yes };
  enum class Start : bool { register_first, read_first };

  TcpConnection(EventLoop& loop, UniqueFd fd, StreamHandler* handler);
  ~TcpConnection() override;
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  // read_first: the peer has probably spoken already (TCP_DEFER_ACCEPT);
  // try one read before registering with the loop.
  void start(Start how = Start::register_first);

  void send(std::string_view bytes);
  void send_file(int fd, off_t offset, uint64_t length, std::shared_ptr<const void> owner = nullptr);
  // Queue bytes without writing yet; flush() writes them (one sendmsg for
  // many appends).
  OutputQueue& output() { return output_; }
  void flush();

  // Sends what is queued, then closes (on_closed: local). With Linger::yes,
  // or when input is left unread, the close lingers (see above), bounded by
  // the timeout armed last; with no timeout ever armed it does not linger.
  void close_after_drain(Linger linger = Linger::no);
  void close(CloseReason reason = CloseReason::local);  // now; on_closed once

  // Flow control: stop reading while the consumer is busy (e.g. replies are
  // piling up unread). resume_reading() hands over what is buffered.
  void pause_reading();
  void resume_reading();

  // The timeout: (re)starts the timer in `queue`; on expiry the handler's
  // on_timeout runs. With restart_on_progress, every write that makes
  // progress restarts it (a send timeout rather than a deadline).
  void arm_timeout(TimerQueue& queue, bool restart_on_progress = false);
  void cancel_timeout();
  void set_restart_on_progress(bool on) { restart_on_progress_ = on; }
  const TimerQueue* timeout_queue() const { return timer_queue_; }

  bool closed() const { return !fd_.valid(); }
  bool peer_closed() const { return peer_closed_; }
  bool lingering() const { return lingering_; }
  int fd() const { return fd_.get(); }
  EventLoop& loop() const { return loop_; }
  // Asked of the kernel on first use (a syscall each), unless given.
  const SocketAddress& peer() const;
  const SocketAddress& local() const;
  void set_peer(const SocketAddress& peer) { peer_ = peer; has_peer_ = true; }
  uint64_t pending_output() const { return output_.pending_bytes(); }
  size_t buffered_input() const { return input_.size(); }
  // Frees buffer memory while nothing is buffered (an idle keep-alive client).
  void release_buffers();

  void handle_events(uint32_t events) override;
  void handle_failure() override { close(CloseReason::error); }

 private:
  void handle_read();
  void handle_write();
  void linger_read();
  void deliver(Buffer& input);
  bool input_left() const;
  void begin_linger();
  void update_interest();
  void finish(CloseReason reason);
  void on_timer();

  EventLoop& loop_;
  UniqueFd fd_;
  StreamHandler* handler_;
  mutable SocketAddress peer_;
  mutable SocketAddress local_;
  mutable bool has_peer_ = false;
  mutable bool has_local_ = false;
  Buffer input_;  // only what the handler left unused
  const Buffer* delivering_ = nullptr;  // the buffer the handler is reading now
  OutputQueue output_;
  Timer timer_;
  TimerQueue* timer_queue_ = nullptr;
  uint64_t lingered_bytes_ = 0;
  uint32_t interest_ = 0;
  bool registered_ = false;
  bool starting_ = false;  // in start(): registration waits until it ends
  bool reading_ = true;
  bool closing_ = false;  // close once output drains
  bool linger_ = false;   // ...and linger
  bool lingering_ = false;
  bool peer_closed_ = false;
  bool restart_on_progress_ = false;
};

}  // namespace muxd
