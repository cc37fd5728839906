#pragma once
// Client: one load-generating connection, reopened whenever it ends. It
// connects (core Connector), sends requests (a pipeline of up to --pipeline),
// parses the answers (ResponseParser) and tells its worker what happened:
// each response with its latency, each error with its kind.
//
// Who decides when to send: in closed-loop mode the client refills its own
// pipeline as answers come back; under --rate the worker hands it requests
// with their intended send times (BenchWorker::pump).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/connector.h"
#include "core/tcp_connection.h"
#include "core/timer_queue.h"
#include "loadgen/response_parser.h"
#include "loadgen/stats.h"

namespace muxd::loadgen {

class BenchWorker;

class Client : public StreamHandler {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Client(BenchWorker& worker);
  ~Client() override;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void connect();
  // Connected, not closing, and fewer than --pipeline requests in flight.
  bool can_send() const;
  // Sends one request whose latency counts from `intended` (--rate). May
  // close the connection before it returns (a failed write).
  void send_paced(Clock::time_point intended);

  // For the worker's ready list (--rate): whether this client is on it.
  bool listed = false;

  void on_data(TcpConnection& connection, Buffer& input) override;
  void on_eof(TcpConnection& connection) override;
  void on_closed(TcpConnection& connection, CloseReason reason) override;

 private:
  enum class Phase { idle, connecting, connected, waiting_to_retry };

  void on_connected(UniqueFd fd, int error);
  void on_timer();
  void queue_requests(size_t count, Clock::time_point sent);
  void track(Clock::time_point sent);
  Clock::time_point untrack();
  void response_ended(const Response& response, Clock::time_point now);
  void slots_freed(size_t count, Clock::time_point now);
  // Counts the error, closes the connection; on_closed opens another.
  void fail(ErrorKind kind, std::string_view message);
  void end_connection();  // the same without an error (the response said close)
  void watch(TimerQueue& queue) { queue.arm(timer_); }

  BenchWorker& worker_;
  Connector connector_;
  std::unique_ptr<TcpConnection> connection_;
  ResponseParser parser_;
  Timer timer_;  // the timeout while connecting or awaiting bytes; the pause before a reconnect
  Phase phase_ = Phase::idle;
  bool closing_ = false;  // this side decided to close: on_closed counts nothing more
  // When each request in flight was sent (or was due, under --rate), oldest
  // first: a ring of --pipeline entries.
  std::vector<Clock::time_point> sent_;
  size_t oldest_ = 0;
  size_t in_flight_ = 0;
  size_t sent_on_connection_ = 0;  // --close: one request per connection
  size_t kept_ = 0;  // input bytes left unconsumed last time (already counted)
};

}  // namespace muxd::loadgen
