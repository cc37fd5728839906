#include "loadgen/client.h"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>

#include "core/socket.h"
#include "loadgen/bench_worker.h"

namespace muxd::loadgen {

Client::Client(BenchWorker& worker)
    : worker_(worker),
      connector_(worker.loop(), [this](UniqueFd fd, int error) { on_connected(std::move(fd), error); }),
      parser_(worker.config().limits),
      timer_([this] { on_timer(); }),
      sent_(worker.config().pipeline) {}

// A connection still open when the run ends is closed here (the loop has
// stopped): no callback, nothing counted.
Client::~Client() = default;

void Client::connect() {
  phase_ = Phase::connecting;
  watch(worker_.timeouts());  // a handshake gets --timeout too
  connector_.start(worker_.config().target.address);
}

void Client::on_connected(UniqueFd fd, int error) {
  timer_.cancel();
  if (!fd) {
    worker_.count_error(ErrorKind::connect,
                        fmt::format("cannot connect to {}: {}", worker_.peer_name(), std::strerror(error)));
    phase_ = Phase::waiting_to_retry;
    return watch(worker_.retry_pauses());
  }
  set_nodelay(fd.get());  // a request is one small write that must leave at once
  phase_ = Phase::connected;
  closing_ = false;
  sent_on_connection_ = 0;
  connection_ = std::make_unique<TcpConnection>(worker_.loop(), std::move(fd), this);
  connection_->set_peer(worker_.config().target.address);
  connection_->start();
  if (worker_.paced()) return worker_.ready(*this);
  Clock::time_point now = Clock::now();
  if (worker_.running(now)) queue_requests(worker_.config().pipeline, now);
}

bool Client::can_send() const {
  if (phase_ != Phase::connected || closing_ || !connection_ || connection_->closed()) return false;
  if (worker_.config().close && sent_on_connection_ > 0) return false;
  return in_flight_ < sent_.size();
}

void Client::send_paced(Clock::time_point intended) { queue_requests(1, intended); }

// Appends `count` requests and writes them with one system call. The write
// may fail and close the connection before flush() returns.
void Client::queue_requests(size_t count, Clock::time_point sent) {
  if (in_flight_ == 0) watch(worker_.timeouts());
  for (size_t i = 0; i < count; ++i) {
    connection_->output().append(worker_.request());
    track(sent);
  }
  connection_->flush();
}

void Client::track(Clock::time_point sent) {
  sent_[(oldest_ + in_flight_) % sent_.size()] = sent;
  ++in_flight_;
  ++sent_on_connection_;
}

Client::Clock::time_point Client::untrack() {
  Clock::time_point sent = sent_[oldest_];
  oldest_ = (oldest_ + 1) % sent_.size();
  --in_flight_;
  return sent;
}

void Client::on_data(TcpConnection&, Buffer& input) {
  Clock::time_point now = Clock::now();
  std::string_view bytes = input.readable();
  worker_.count_bytes(bytes.size() - kept_, now);
  size_t used = 0;
  size_t freed = 0;
  while (used < bytes.size()) {
    size_t n = 0;
    ResponseParser::Result result = parser_.parse(bytes.substr(used), &n);
    used += n;
    if (result == ResponseParser::Result::need_more) break;
    if (result == ResponseParser::Result::error)
      return fail(ErrorKind::parse, fmt::format("{} does not answer HTTP/1.x: {}", worker_.peer_name(), parser_.error()));
    if (in_flight_ == 0)
      return fail(ErrorKind::parse, fmt::format("{} sent a response to no request", worker_.peer_name()));
    response_ended(parser_.response(), now);
    ++freed;
    // RFC 9112 §9.6: after "close" (theirs or ours) no further request goes on this connection.
    if (!parser_.response().keep_alive || worker_.config().close) return end_connection();
  }
  input.consume(used);
  kept_ = input.size();
  if (in_flight_ > 0) {
    watch(worker_.timeouts());  // bytes came: the timeout starts again
  } else {
    timer_.cancel();
  }
  if (freed > 0) slots_freed(freed, now);
}

void Client::response_ended(const Response& response, Clock::time_point now) {
  Clock::time_point sent = untrack();
  worker_.count_response(response.status, now - sent, now);
}

void Client::slots_freed(size_t count, Clock::time_point now) {
  if (worker_.paced()) return worker_.ready(*this);
  if (worker_.running(now)) queue_requests(count, now);
}

void Client::on_eof(TcpConnection&) {
  Clock::time_point now = Clock::now();
  ResponseParser::Result result = parser_.finish();
  if (result == ResponseParser::Result::response && in_flight_ > 0) {
    response_ended(parser_.response(), now);  // a body that ran until the close
    return end_connection();
  }
  if (result == ResponseParser::Result::error)
    return fail(ErrorKind::read, fmt::format("{} closed the connection in the middle of a response", worker_.peer_name()));
  if (in_flight_ > 0)
    return fail(ErrorKind::read, fmt::format("{} closed the connection without answering", worker_.peer_name()));
  end_connection();  // an idle keep-alive connection the server closed: open another
}

void Client::on_timer() {
  switch (phase_) {
    case Phase::waiting_to_retry:
      return connect();
    case Phase::connecting:
      connector_.cancel();
      worker_.count_error(ErrorKind::timeout, fmt::format("cannot connect to {}: no answer within {:g} s",
                                                          worker_.peer_name(), worker_.config().timeout.count() / 1e3));
      return connect();
    case Phase::connected:
      return fail(ErrorKind::timeout, fmt::format("no response from {} within {:g} s", worker_.peer_name(),
                                                  worker_.config().timeout.count() / 1e3));
    case Phase::idle:
      return;
  }
}

void Client::fail(ErrorKind kind, std::string_view message) {
  worker_.count_error(kind, message);
  end_connection();
}

void Client::end_connection() {
  closing_ = true;
  connection_->close();  // on_closed runs before this returns
}

void Client::on_closed(TcpConnection&, CloseReason reason) {
  int error = errno;  // what the failed read or write left (finish() makes no failing call)
  if (!closing_ && (reason == CloseReason::error || in_flight_ > 0)) {
    worker_.count_error(ErrorKind::read, fmt::format("connection to {} failed: {}", worker_.peer_name(),
                                                     error ? std::strerror(error) : "error"));
  }
  timer_.cancel();
  parser_.reset();
  in_flight_ = oldest_ = kept_ = 0;
  closing_ = false;
  phase_ = Phase::idle;
  worker_.loop().destroy_later(std::move(connection_));
  if (worker_.running(Clock::now())) connect();
}

}  // namespace muxd::loadgen
