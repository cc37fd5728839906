#pragma once
// DataTransfer: one transfer on one data connection (RFC 959 §3.2-3.3).
//
// It gets its connection from a PassiveListener (PASV/EPSV) or by connecting
// out (PORT/EPRT), then moves the payload: a file range by sendfile (RETR),
// a listing generated chunk by chunk as the socket drains (LIST, NLST, MLSD),
// or everything the client sends into a file (STOR, APPE). The end of the
// transfer is the end of the connection (stream mode, §3.4.1). `done` is
// called once, unless abort() came first; the owner destroys the transfer
// after the current event batch, never inside `done`.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/tcp_connection.h"
#include "core/timer_queue.h"
#include "ftp/passive_listener.h"
#include "ftp/session.h"

namespace muxd::ftp {

class DataTransfer : public StreamHandler {
 public:
  using Payload = std::variant<SendFile, ReceiveFile, SendListing>;
  using Done = std::function<void(TransferResult result, int error)>;

  // The data timeout runs from here: a connection must come, and then bytes
  // must keep moving, within each period of `timeouts`.
  DataTransfer(EventLoop& loop, TimerQueue& timeouts, Payload payload, Done done);
  ~DataTransfer() override;
  DataTransfer(const DataTransfer&) = delete;
  DataTransfer& operator=(const DataTransfer&) = delete;

  void accept_from(std::unique_ptr<PassiveListener> listener);
  void connect_to(const SocketAddress& target);
  void abort();  // closes the data connection; `done` is not called

  uint64_t bytes() const;
  // A whole-file upload, renamed into place if it completes.
  bool renames_at_end() const {
    const auto* file = std::get_if<ReceiveFile>(&payload_);
    return file && file->renamed_at_end;
  }

  void on_data(TcpConnection& connection, Buffer& input) override;
  void on_drained(TcpConnection& connection) override;
  void on_closed(TcpConnection& connection, CloseReason reason) override;

 private:
  class Connector;

  void attach(UniqueFd fd);
  void send_listing_chunks();
  void receive(Buffer& input);
  void check_progress();
  void finish(TransferResult result, int error = 0);

  EventLoop& loop_;
  TimerQueue& timeouts_;
  Payload payload_;
  Done done_;
  std::unique_ptr<PassiveListener> listener_;
  std::unique_ptr<Connector> connector_;
  std::unique_ptr<TcpConnection> connection_;
  Timer timer_;
  uint64_t moved_ = 0;            // bytes received, or listing bytes sent
  uint64_t progress_mark_ = 0;    // bytes() when the timer was last armed
  std::string chunk_;             // the listing chunk being sent
  bool filling_ = false;          // guards send_listing_chunks against re-entry
  bool refill_ = false;
  bool finished_ = false;
};

}  // namespace muxd::ftp
