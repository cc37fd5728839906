#pragma once
// TcpConnection: one non-blocking stream socket on one loop, with an input
// buffer and an ordered output queue (bytes and sendfile ranges).
//
// The handler hears about data, a drained output queue, and the close. The
// connection never deletes itself or its handler: whoever owns them destroys
// them from on_closed through EventLoop::post().
#include <cstdint>
#include <memory>
#include <string_view>

#include "core/address.h"
#include "core/buffer.h"
#include "core/event_loop.h"
#include "core/output_queue.h"

namespace muxd {

class TcpConnection;

enum class CloseReason {
  peer_closed,  // orderly EOF from the peer (after all its data was delivered)
  error,        // reset, write error, or a file that shrank while being sent
  local,        // close() or close_after_drain() from our side
};

class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  virtual void on_data(TcpConnection& connection, Buffer& input) = 0;
  virtual void on_drained(TcpConnection&) {}
  virtual void on_closed(TcpConnection& connection, CloseReason reason) = 0;

};

class TcpConnection : public Watcher {
 public:
  TcpConnection(EventLoop& loop, UniqueFd fd, StreamHandler* handler);
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  void start();  // registers with the loop and starts reading

  void send(std::string_view bytes);
  void send_file(int fd, off_t offset, uint64_t length, std::shared_ptr<const void> owner = nullptr);
  void close_after_drain();  // sends what is queued, then closes (on_closed: local)
  void close();              // closes now; on_closed(local) is called once

  // Flow control: stop reading while the consumer is busy (e.g. a slow disk).
  void pause_reading();
  void resume_reading();

  bool closed() const { return !fd_.valid(); }
  int fd() const { return fd_.get(); }
  EventLoop& loop() const { return loop_; }
  const SocketAddress& peer() const { return peer_; }
  const SocketAddress& local() const { return local_; }
  uint64_t pending_output() const { return output_.pending_bytes(); }

  void handle_events(uint32_t events) override;

 private:
  void handle_read();
  void handle_write();
  void update_interest();
  void finish(CloseReason reason);

  EventLoop& loop_;
  UniqueFd fd_;
  StreamHandler* handler_;
  SocketAddress peer_;
  SocketAddress local_;
  Buffer input_;
  OutputQueue output_;
  uint32_t interest_ = 0;
  bool reading_ = true;
  bool closing_ = false;  // close once output drains
};

}  // namespace muxd
