#include "ftp/control_connection.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>

#include "core/log.h"
#include "core/socket.h"
#include "ftp/data_address.h"
#include "ftp/ftp_worker.h"

namespace muxd::ftp {
namespace {

// Has the client's FIN or RST reached the control socket? The kernel knows
// before we have read up to it: POLLRDHUP is set by a FIN even behind unread
// commands (a recv(MSG_PEEK) would see the commands and miss the FIN), and
// POLLHUP/POLLERR by a reset.
bool peer_ended(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) != 1) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

}  // namespace

ControlConnection::ControlConnection(FtpWorker& worker, UniqueFd fd, ClientLimits::Ticket ticket)
    : worker_(worker),
      ticket_(std::move(ticket)),
      connection_(worker.loop(), std::move(fd), this),
      session_(worker.session_config(), connection_.peer(), connection_.local()),
      peer_ip_(plain_ip(connection_.peer())),
      idle_timer_([this] { on_idle(); }) {}

ControlConnection::~ControlConnection() { cancel_grace(); }

void ControlConnection::start() {
  // RFC 959 §4.1.3: clients send IAC IP / IAC DM as urgent data before ABOR;
  // inline, the framer strips them. Replies are small: send them at once.
  int on = 1;
  ::setsockopt(connection_.fd(), SOL_SOCKET, SO_OOBINLINE, &on, sizeof on);
  set_nodelay(connection_.fd());
  connection_.start();
  worker_.idle_timeouts().arm(idle_timer_);
  session_.start();
  pump();
}

void ControlConnection::on_data(TcpConnection&, Buffer& input) {
  worker_.idle_timeouts().arm(idle_timer_);
  while (!session_.closing() && !input.empty()) {
    if (connection_.pending_output() > kMaxUnsentReplies) {
      // A client that sends commands but never reads the replies: stop
      // reading until they are gone (on_drained), so memory stays bounded.
      reading_paused_ = true;
      return connection_.pause_reading();
    }
    size_t consumed = 0;
    auto status = framer_.next(input.readable(), &consumed, &line_);
    input.consume(consumed);
    if (status == LineFramer::Status::too_long) session_.on_line_too_long();
    if (status == LineFramer::Status::line) {
      update_progress();
      session_.on_line(line_);
      if (held_upload_ && session_.quit_requested()) release_upload();
    }
    pump();
  }
  if (session_.closing()) input.clear();  // after QUIT nothing more is read
  input.release_if_empty();
}

void ControlConnection::on_drained(TcpConnection&) {
  if (!reading_paused_) return;
  reading_paused_ = false;
  connection_.resume_reading();  // hands over what is still buffered
}

void ControlConnection::on_closed(TcpConnection&, CloseReason) {
  idle_timer_.cancel();
  drop_passive();
  if (transfer_ && session_.quit_requested()) {
    // QUIT asks for the transfer to finish first (RFC 959 §4.1.1), and a
    // client may close without waiting for the last replies: the transfer
    // goes on (its data timeout bounds it), and transfer_done ends this.
    return;
  }
  if (held_upload_) {
    log_info("ftp: {} went away without QUIT as its upload ended; the upload is discarded",
             connection_.peer().to_string());
  }
  shut_down();
}

// The session goes with this, and so does an unfinished or held upload.
void ControlConnection::shut_down() {
  ticket_ = ClientLimits::Ticket();  // the place is free now, not after the batch
  update_progress();
  session_.on_disconnect();
  log_events();
  idle_timer_.cancel();
  cancel_grace();
  drop_transfer();
  drop_passive();
  worker_.destroy(this);
}

// Sends what the session has to say and does what it asks, until it has
// nothing more (an action may end a transfer, which makes more replies).
void ControlConnection::pump() {
  if (pumping_) {
    pump_again_ = true;
    return;
  }
  pumping_ = true;
  do {
    pump_again_ = false;
    std::string replies = session_.take_replies();
    if (!replies.empty()) connection_.send(replies);
    log_events();
    for (Action& action : session_.take_actions()) perform(action);
  } while (pump_again_);
  pumping_ = false;
}

void ControlConnection::log_events() {
  std::vector<LogEvent> events = session_.take_log_events();
  if (events.empty()) return;
  std::time_t now = std::time(nullptr);
  for (const LogEvent& event : events) worker_.log().record(event, peer_ip_, now);
}

// The session learns how far the transfer got before it may end it (ABOR,
// a close) and log it.
void ControlConnection::update_progress() {
  if (transfer_) session_.on_transfer_progress(transfer_->bytes());
}

void ControlConnection::on_server_stop() {
  update_progress();
  session_.on_disconnect();
  log_events();
}

void ControlConnection::perform(Action& action) {
  if (std::holds_alternative<OpenPassive>(action)) return open_passive();
  if (std::holds_alternative<ClosePassive>(action)) return drop_passive();
  if (auto* start = std::get_if<StartTransfer>(&action)) return start_transfer(*start);
  if (std::holds_alternative<AbortTransfer>(action)) return drop_transfer();
  if (std::holds_alternative<CloseControl>(action)) {
    // A 500 or 421 before the close must reach the client even when it has
    // sent more: linger (read and discard) for a few seconds at most.
    drop_transfer();
    idle_timer_.cancel();
    connection_.arm_timeout(worker_.linger_timeouts());
    connection_.close_after_drain(TcpConnection::Linger::yes);
  }
}

void ControlConnection::open_passive() {
  drop_passive();
  UniqueFd fd = worker_.passive_ports().listen(connection_.local());
  if (!fd) {
    log_warn("ftp: no passive port for {}: {}", connection_.peer().to_string(), std::strerror(errno));
    session_.on_passive_opened(std::nullopt);
  } else {
    passive_ = std::make_unique<PassiveListener>(worker_.loop(), std::move(fd), connection_.peer());
    session_.on_passive_opened(passive_->port());
  }
  pump();
}

void ControlConnection::start_transfer(StartTransfer& start) {
  drop_transfer();
  transfer_ = std::make_unique<DataTransfer>(
      worker_.loop(), worker_.data_timeouts(), std::move(start.payload),
      [this](TransferResult result, int error) { transfer_done(result, error); });
  DataTransfer* transfer = transfer_.get();  // may end (and be retired) inside the calls below
  if (start.connect_to) {
    drop_passive();
    transfer->connect_to(*start.connect_to);
  } else if (passive_) {
    transfer->accept_from(std::move(passive_));
  } else {
    transfer->abort();
    transfer_done(TransferResult::connect_failed, 0);
  }
}

// A whole-file upload ends when the client closes the data connection, and
// a client killed mid-upload closes it too: its kernel sends the same FIN
// (stream mode cannot tell a cut from the end, RFC 959 §3.4.1). What tells
// them apart is the control connection, closed by the same death without a
// QUIT. So a complete upload is not committed at once but held
// (hold_upload), and the control connection decides:
//   - its FIN or RST is there (peer_ended), or comes within kUploadGrace:
//     the client is gone; on_closed destroys the session, and with it the
//     temporary file;
//   - a QUIT comes first (even just before the FIN): the client meant to
//     finish; commit, 226, 221;
//   - nothing within kUploadGrace: the client is alive and waiting for its
//     226; commit.
// Why a grace period and not only a look at the control socket, nor a
// deferral to the end of the event batch (EventLoop::post): the control
// connection's end comes after the data connection's. A dying process closes
// its sockets one by one, on Linux the last opened first (exit runs the
// final closes as task work, newest first), so the data connection goes
// first; its FIN wakes this loop, which may even preempt the dying client on
// its CPU before it has closed the control connection, and a busy machine
// may not run the client again for milliseconds. Measured on loopback on
// this project's 2-core test machine, 20 SIGKILLed uploads a run: with only
// the look at the control socket, 3 of 20 were committed on a quiet machine
// and 41 of 80 with two CPU hogs; with a 10 ms grace 2 of 60 (two hogs);
// with 20 ms 0 of 80 (two hogs) but 4 of 80 (four hogs); with 50 ms 0 of 80
// (four hogs). The batch ends long before the client runs again.
//
// The window left: a client whose control connection ends more than
// kUploadGrace after its data connection has its cut upload committed, and
// the server learns of the death only when the 226 meets a reset: a dying
// process starved of CPU that long between its two closes, or the two
// connections' segments delayed apart on the network (a lost RST is not sent
// again, and the FIN's retransmission may come late). The price: every
// whole-file upload's 226 comes kUploadGrace later (appends and resumed
// uploads write in place, so they are not held).
void ControlConnection::transfer_done(TransferResult result, int error) {
  bool upload = transfer_ && transfer_->renames_at_end();
  update_progress();
  worker_.retire(std::move(transfer_));
  if (connection_.closed()) {  // after QUIT and the client's close: see on_closed
    session_.on_transfer_finished(result, error);
    session_.take_replies();
    session_.take_actions();
    return shut_down();
  }
  if (upload && result == TransferResult::complete && !session_.quit_requested()) return hold_upload();
  session_.on_transfer_finished(result, error);
  worker_.idle_timeouts().arm(idle_timer_);
  pump();
}

void ControlConnection::hold_upload() {
  held_upload_ = true;
  if (peer_ended(connection_.fd())) return;  // its EOF or reset is on its way to on_closed
  grace_timer_ = worker_.loop().run_after(kUploadGrace, [this] {
    grace_timer_.reset();
    if (!peer_ended(connection_.fd())) release_upload();
  });
}

void ControlConnection::cancel_grace() {
  if (grace_timer_) worker_.loop().cancel(*std::exchange(grace_timer_, std::nullopt));
}

// The client is alive, or it sent QUIT: the held upload was complete.
void ControlConnection::release_upload() {
  held_upload_ = false;
  cancel_grace();
  session_.on_transfer_finished(TransferResult::complete);
  worker_.idle_timeouts().arm(idle_timer_);
  pump();
}

// The session's transfer is aborted or replaced: a held upload goes too.
void ControlConnection::drop_transfer() {
  held_upload_ = false;
  cancel_grace();
  if (!transfer_) return;
  transfer_->abort();
  worker_.retire(std::move(transfer_));
}

void ControlConnection::drop_passive() {
  if (passive_) worker_.retire(std::move(passive_));
}

// Idle means no command for the idle timeout while no transfer runs (a
// transfer has its own data timeout).
void ControlConnection::on_idle() {
  if (transfer_) return worker_.idle_timeouts().arm(idle_timer_);
  session_.on_idle_timeout();
  pump();
}

}  // namespace muxd::ftp
