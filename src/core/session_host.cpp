#include "core/session_host.h"

#include <exception>

#include "core/log.h"

namespace muxd {

SessionConnection::SessionConnection(SessionHost& host, UniqueFd fd, std::unique_ptr<StreamSession> session)
    : host_(host), connection_(host.loop(), std::move(fd), this), session_(std::move(session)) {}

SessionConnection::~SessionConnection() {
  if (resume_target_) resume_target_->connection = nullptr;
}

void SessionConnection::start(const SocketAddress& peer, TcpConnection::Start how) {
  connection_.set_peer(peer);
  session_->attach([this]() -> Resume {
    if (!resume_target_) resume_target_ = std::make_shared<ResumeTarget>(ResumeTarget{this});
    return [target = resume_target_](ResumeStep step) {
      if (target->connection) target->connection->resume(step);
    };
  });
  try {  // under the acceptor's handler, not this connection's: contain it here
    session_->on_start(connection_.output());
    after_event();
  } catch (const std::exception& error) {
    log_error("session: {}; closing the connection", error.what());
    return connection_.close(CloseReason::error);
  }
  if (!connection_.closed()) connection_.start(how);
}

// Offers the input; when the session answered and the socket took it all,
// offers what is left again: the session may have stopped at its output
// budget with complete requests still buffered (pipelining).
void SessionConnection::on_data(TcpConnection& connection, Buffer& input) {
  in_data_ = true;
  bool again;
  do {
    size_t used = session_->on_data(input.readable(), connection.output());
    input.consume(used);
    bool answered = !connection.output().empty();
    connection.flush();
    if (connection.closed()) return;
    again = answered && used > 0 && connection.output().empty() && !input.empty();
  } while (again);
  in_data_ = false;
  apply(session_->wants(connection.output()));
}

void SessionConnection::on_drained(TcpConnection&) {
  if (!in_data_) apply(session_->wants(connection_.output()));
}

void SessionConnection::on_eof(TcpConnection&) {
  session_->on_peer_closed(connection_.output());
  after_event();
}

void SessionConnection::on_timeout(TcpConnection&) {
  session_->on_timeout(connection_.output());
  after_event();
}

void SessionConnection::stop() {
  session_->on_stop(connection_.output());
  after_event();
}

// A step the session asked for (its work finished elsewhere). It runs from a
// cross-thread call, not under a watcher: a fault closes this connection here.
void SessionConnection::resume(const ResumeStep& step) {
  if (connection_.closed()) return;
  try {
    step(connection_.output());
    after_event();
  } catch (const std::exception& error) {
    log_error("session: {}; closing the connection", error.what());
    connection_.close(CloseReason::error);
  }
}

void SessionConnection::after_event() {
  in_data_ = true;  // flush's on_drained is handled by apply() below
  connection_.flush();
  in_data_ = false;
  if (!connection_.closed()) apply(session_->wants(connection_.output()));
}

// Timeout first (a lingering close runs on it), then close or reading.
// Reading goes last: resuming delivers buffered input, which comes back here.
void SessionConnection::apply(const SessionWants& wants) {
  TcpConnection& connection = connection_;
  if (connection.closed()) return;
  if (wants.close == SessionWants::Close::now) return connection.close();
  if (TimerQueue* queue = host_.timeout(wants.timeout)) {
    if (queue != connection.timeout_queue() || wants.restart_timeout) {
      connection.arm_timeout(*queue, wants.restart_on_progress);
    } else {
      connection.set_restart_on_progress(wants.restart_on_progress);  // the same timeout runs on
    }
  } else {
    connection.cancel_timeout();
  }
  if (wants.close != SessionWants::Close::no) {
    connection.pause_reading();
    bool linger = wants.close == SessionWants::Close::after_output_lingering;
    return connection.close_after_drain(linger ? TcpConnection::Linger::yes : TcpConnection::Linger::no);
  }
  if (wants.idle) connection.release_buffers();
  if (wants.read) {
    connection.resume_reading();
  } else {
    connection.pause_reading();
  }
}

void SessionConnection::on_closed(TcpConnection&, CloseReason) {
  if (resume_target_) resume_target_->connection = nullptr;  // late results are dropped
  host_.closed(this);
}

SessionHost::SessionHost(EventLoop& loop, std::vector<TimerQueue*> timeouts, size_t max_connections)
    : loop_(loop), timeouts_(std::move(timeouts)), max_connections_(max_connections) {}

SessionHost::~SessionHost() {
  while (head_) {
    SessionConnection* connection = head_;
    head_ = connection->next_;
    delete connection;
  }
}

bool SessionHost::start(UniqueFd fd, const SocketAddress& peer, std::unique_ptr<StreamSession> session,
                        TcpConnection::Start how) {
  loop_.assert_in_loop_thread();
  if (stopping_ || (max_connections_ && count_ >= max_connections_)) return false;  // fd closes: refused
  auto* connection = new SessionConnection(*this, std::move(fd), std::move(session));
  connection->next_ = head_;
  if (head_) head_->prev_ = connection;
  head_ = connection;
  ++count_;
  connection->start(peer, how);
  return true;
}

TimerQueue* SessionHost::timeout(uint8_t number) const {
  return number == 0 || number > timeouts_.size() ? nullptr : timeouts_[number - 1];
}

void SessionHost::closed(SessionConnection* connection) {
  (connection->prev_ ? connection->prev_->next_ : head_) = connection->next_;
  if (connection->next_) connection->next_->prev_ = connection->prev_;
  connection->prev_ = connection->next_ = nullptr;
  --count_;
  loop_.destroy_later(std::unique_ptr<SessionConnection>(connection));
  if (stopping_) check_drained();
}

void SessionHost::stop(std::function<void()> drained) {
  loop_.assert_in_loop_thread();
  if (stopping_) return;
  stopping_ = true;
  drained_ = std::move(drained);
  // stop() may close (and unlink) the connection: step first.
  for (SessionConnection* connection = head_; connection;) {
    SessionConnection* next = connection->next_;
    connection->stop();
    connection = next;
  }
  check_drained();
}

void SessionHost::check_drained() {
  if (count_ > 0 || !drained_) return;
  auto notify = std::move(drained_);
  drained_ = nullptr;
  notify();
}

}  // namespace muxd
