#pragma once
// HttpConnection: one client socket of a worker. Reads requests, lets
// StaticSite answer them in order, flushes the answers, and keeps exactly one
// timer armed for whatever it is waiting on:
//   request  the head (and body) of a request must arrive within header_timeout
//   idle     a kept-alive connection may wait idle_timeout for its next request
//   write    a response must make progress within write_timeout
#include <arpa/inet.h>

#include <string>

#include "core/address.h"
#include "core/buffer.h"
#include "core/event_loop.h"
#include "core/output_queue.h"
#include "core/timer_queue.h"
#include "http/body_decoder.h"
#include "http/request_parser.h"

namespace muxd::http {

class HttpWorker;

class HttpConnection : public Watcher {
 public:
  HttpConnection(HttpWorker& worker, UniqueFd fd, const SocketAddress& peer);
  ~HttpConnection() override;

  void start();
  void handle_events(uint32_t events) override;
  void begin_drain();  // graceful stop: close when no response is in flight

  // The worker's intrusive list of live connections.
  HttpConnection* prev_ = nullptr;
  HttpConnection* next_ = nullptr;

 private:
  void on_readable();
  size_t process(std::string_view data);
  size_t consume_body(std::string_view data);
  bool answer(const Request& request);
  void answer_error(int status);
  void log_access(const Request* request, int status, uint64_t body_bytes);
  void flush();
  void after_io();
  void on_timeout();
  void finish();  // our side is done: close, lingering if the peer may still be sending
  void linger(uint32_t events);
  void close();
  void arm(TimerQueue& queue);
  void set_interest(uint32_t wanted);
  void drain_buffered_requests();
  bool busy() const { return !output_.empty(); }

  HttpWorker& worker_;
  UniqueFd fd_;
  RequestParser parser_;
  BodyDecoder body_;
  Buffer input_;  // only a request's unparsed tail; empty between requests
  OutputQueue output_;
  Timer timer_;
  TimerQueue* waiting_on_ = nullptr;  // which timeout timer_ is armed for
  uint32_t interest_ = 0;
  bool registered_ = false;  // added to the loop's epoll set yet
  bool in_body_ = false;
  bool close_after_write_ = false;
  bool peer_closed_ = false;
  bool peer_may_send_ = false;  // close lingering even with nothing buffered
  bool lingering_ = false;
  uint64_t lingered_bytes_ = 0;
  std::string pending_head_;  // the head of a request whose body is still arriving
  std::string log_line_;      // reused to format the access log's request line
  char peer_ip_[INET6_ADDRSTRLEN] = "";
};

}  // namespace muxd::http
