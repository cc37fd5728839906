#pragma once
// ControlConnection: the IO driver of one FTP client. It frames the control
// stream into lines for its Session, sends the Session's replies, carries
// out its actions (passive listeners, data transfers, closing) and hands its
// log events to the worker's FtpLog.
#include <chrono>
#include <memory>
#include <optional>

#include "core/tcp_connection.h"
#include "core/timer_queue.h"
#include "ftp/client_limits.h"
#include "ftp/data_transfer.h"
#include "ftp/line_framer.h"
#include "ftp/passive_listener.h"
#include "ftp/session.h"

namespace muxd::ftp {

class FtpWorker;

// Reply bytes a client may leave unread before its commands stop being read.
inline constexpr uint64_t kMaxUnsentReplies = 64 * 1024;

// How long a complete upload waits for its client's control connection to
// end (a killed client) before it is committed: see transfer_done.
inline constexpr std::chrono::milliseconds kUploadGrace{50};

class ControlConnection : public StreamHandler {
 public:
  ControlConnection(FtpWorker& worker, UniqueFd fd, ClientLimits::Ticket ticket);
  ~ControlConnection() override;
  ControlConnection(const ControlConnection&) = delete;
  ControlConnection& operator=(const ControlConnection&) = delete;

  void start();
  // The server stops (FtpWorker's destructor): a transfer still running is
  // logged incomplete and its upload discarded.
  void on_server_stop();

  void on_data(TcpConnection& connection, Buffer& input) override;
  void on_drained(TcpConnection& connection) override;
  void on_closed(TcpConnection& connection, CloseReason reason) override;

 private:
  void pump();
  void log_events();
  void update_progress();
  void perform(Action& action);
  void open_passive();
  void start_transfer(StartTransfer& start);
  void transfer_done(TransferResult result, int error);
  void hold_upload();
  void release_upload();
  void cancel_grace();
  void shut_down();
  void drop_transfer();
  void drop_passive();
  void on_idle();

  FtpWorker& worker_;
  ClientLimits::Ticket ticket_;
  TcpConnection connection_;
  Session session_;
  std::string peer_ip_;  // for the log
  LineFramer framer_;
  Timer idle_timer_;
  std::unique_ptr<PassiveListener> passive_;
  std::unique_ptr<DataTransfer> transfer_;
  std::string line_;
  bool reading_paused_ = false;  // replies piled up unread: see on_data
  // A complete whole-file upload waits for the control connection's verdict
  // (its end, a QUIT, or the grace timer): see transfer_done.
  bool held_upload_ = false;
  std::optional<EventLoop::TimerId> grace_timer_;
  bool pumping_ = false;  // pump() is re-entered when a transfer ends inside an action
  bool pump_again_ = false;
};

}  // namespace muxd::ftp
