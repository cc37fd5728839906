#include "ftp/control_connection.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "core/log.h"
#include "core/socket.h"
#include "ftp/ftp_worker.h"

namespace muxd::ftp {

ControlConnection::ControlConnection(FtpWorker& worker, UniqueFd fd, ClientLimits::Ticket ticket)
    : worker_(worker),
      ticket_(std::move(ticket)),
      connection_(worker.loop(), std::move(fd), this),
      session_(worker.session_config(), connection_.peer(), connection_.local()),
      idle_timer_([this] { on_idle(); }) {}

ControlConnection::~ControlConnection() = default;

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
      if (transfer_) session_.on_transfer_progress(transfer_->bytes());
      session_.on_line(line_);
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
  ticket_ = ClientLimits::Ticket();  // the place is free now, not after the batch
  idle_timer_.cancel();
  drop_transfer();
  drop_passive();
  worker_.destroy(this);  // the session goes with it; so does an unfinished upload
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
    for (Action& action : session_.take_actions()) perform(action);
  } while (pump_again_);
  pumping_ = false;
}

void ControlConnection::perform(Action& action) {
  if (std::holds_alternative<OpenPassive>(action)) return open_passive();
  if (std::holds_alternative<ClosePassive>(action)) return drop_passive();
  if (auto* start = std::get_if<StartTransfer>(&action)) return start_transfer(*start);
  if (std::holds_alternative<AbortTransfer>(action)) return drop_transfer();
  if (std::holds_alternative<CloseControl>(action)) {
    drop_transfer();
    connection_.close_after_drain();
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

void ControlConnection::transfer_done(TransferResult result, int error) {
  worker_.retire(std::move(transfer_));
  session_.on_transfer_finished(result, error);
  worker_.idle_timeouts().arm(idle_timer_);
  pump();
}

void ControlConnection::drop_transfer() {
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
