#include "http/http_connection.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "core/log.h"
#include "http/http_worker.h"

namespace muxd::http {
namespace {

constexpr size_t read_chunk = 16 * 1024;
// Pipelined requests are answered into the queue until this much is pending.
constexpr uint64_t max_queued_output = 256 * 1024;
// Lingering close reads at most this much before giving up on the peer.
constexpr uint64_t max_linger_bytes = 1 << 20;

bool expects_continue(const Request& request) {
  std::string_view expect = request.header("expect");
  return request.minor_version == 1 && expect.size() == 12 && strncasecmp(expect.data(), "100-continue", 12) == 0;
}

}  // namespace

HttpConnection::HttpConnection(HttpWorker& worker, UniqueFd fd, const SocketAddress& peer)
    : worker_(worker),
      fd_(std::move(fd)),
      parser_(worker.config().limits),
      body_(worker.config().limits.max_body_bytes),
      timer_([this] { on_timeout(); }) {
  if (worker_.access_log().enabled()) {
    std::string ip = peer.ip_string();
    std::strncpy(peer_ip_, ip.c_str(), sizeof(peer_ip_) - 1);
  }
}

// Closing the descriptor removes it from epoll (nothing else holds it), so
// neither close() nor this destructor spends an epoll_ctl on it.
HttpConnection::~HttpConnection() = default;

// The listener defers accepting until the request arrived (TCP_DEFER_ACCEPT),
// so read before registering: a Connection: close exchange then never
// touches epoll (accept4, read, sendmsg, close), a keep-alive one saves a wake-up.
void HttpConnection::start() {
  arm(worker_.request_timeouts());  // the first request head, like nginx's client_header_timeout
  handle_events(EPOLLIN);
}

void HttpConnection::handle_events(uint32_t events) {
  if (lingering_) return linger(events);
  if (events & EPOLLERR) return close();
  worker_.refresh_clock();
  if (busy()) {
    flush();
  } else {
    on_readable();
  }
  if (fd_) drain_buffered_requests();
  if (fd_) after_io();
}

// One read per event: with level-triggered epoll, more data means another
// event, and one read keeps the worker fair to its other connections. Reads
// land in the worker's scratch buffer; a connection keeps only the unfinished
// tail of a request, so a thousand slow clients hold a thousand small tails,
// not a thousand read-sized buffers.
void HttpConnection::on_readable() {
  Buffer& scratch = worker_.scratch();
  scratch.clear();
  ssize_t n = scratch.read_from(fd_.get(), read_chunk);
  if (n == 0) {
    peer_closed_ = true;  // a request still arriving can no longer complete
    in_body_ = false;
    input_.clear();
    return busy() ? void(close_after_write_ = true) : close();
  }
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) close();
    return;
  }
  if (!input_.empty()) {
    input_.append(scratch.readable());
    input_.consume(process(input_.readable()));
  } else {
    std::string_view data = scratch.readable();
    size_t used = process(data);
    if (used < data.size()) input_.append(data.substr(used));
  }
  flush();
}

// Answers what the queue has room for once earlier responses went out.
void HttpConnection::drain_buffered_requests() {
  while (fd_ && !busy() && !input_.empty() && !close_after_write_) {
    size_t used = process(input_.readable());
    input_.consume(used);
    if (used == 0) break;  // the tail is an incomplete request
    flush();
  }
}

// Parses and answers every complete request in `data`; returns the bytes used.
size_t HttpConnection::process(std::string_view data) {
  size_t used = 0;
  while (used < data.size() && !close_after_write_ && output_.pending_bytes() < max_queued_output) {
    if (in_body_) {
      used += consume_body(data.substr(used));
      if (in_body_) break;
      continue;
    }
    Request& request = worker_.request();
    if (worker_.request_owner() != this) {  // another connection reused the shared Request
      parser_.reset();
      worker_.set_request_owner(this);
    }
    ParseResult result = parser_.parse(data.substr(used), request);
    if (result.status == ParseResult::Incomplete) break;
    parser_.reset();
    if (result.status == ParseResult::Error) {
      answer_error(result.http_status);
      return data.size();  // nothing after a malformed request can be trusted
    }
    used += request.head_size;
    if (request.body == BodyFraming::None) {
      answer(request);
      continue;
    }
    body_.start(request);
    BodyDecoder::Result body = body_.feed(data.substr(used));
    used += body.consumed;
    if (body.error_status) {
      answer_error(body.error_status);
      return data.size();
    }
    if (body.done) {
      answer(request);
      continue;
    }
    // The body goes on in later reads: keep the head to answer from then.
    pending_head_.assign(data.substr(used - body.consumed - request.head_size, request.head_size));
    in_body_ = true;
    if (expects_continue(request)) output_.append("HTTP/1.1 100 Continue\r\n\r\n");  // RFC 9110 §10.1.1
  }
  return used;
}

size_t HttpConnection::consume_body(std::string_view data) {
  BodyDecoder::Result body = body_.feed(data);
  if (body.error_status) {
    in_body_ = false;
    answer_error(body.error_status);
    return data.size();
  }
  if (!body.done) return body.consumed;
  in_body_ = false;
  Request& request = worker_.request();
  worker_.set_request_owner(this);
  parser_.reset();
  parser_.parse(pending_head_, request);  // parsed before: complete and valid
  parser_.reset();
  answer(request);
  return body.consumed;
}

bool HttpConnection::answer(const Request& request) {
  bool keep_alive = request.keep_alive && !worker_.draining() && !peer_closed_;
  ResponseSummary summary = worker_.site().respond(request, keep_alive, output_);
  if (!keep_alive) close_after_write_ = true;
  waiting_on_ = nullptr;  // a request was answered: whatever timeout comes next starts afresh
  log_access(&request, summary.status, summary.body_bytes);
  return keep_alive;
}

// RFC 9112 §9.6: after an error the framing can't be trusted, so close.
void HttpConnection::answer_error(int status) {
  ResponseSummary summary = worker_.site().respond_error(status, output_);
  close_after_write_ = true;
  peer_may_send_ = true;  // the rest of a bad request may still be on its way
  log_access(nullptr, summary.status, summary.body_bytes);
}

void HttpConnection::log_access(const Request* request, int status, uint64_t body_bytes) {
  AccessLog& log = worker_.access_log();
  if (!log.enabled()) return;
  log_line_.clear();
  std::string_view referer, user_agent;
  if (request) {
    log_line_.append(request->method_text).append(" ").append(request->target);
    log_line_.append(request->minor_version == 0 ? " HTTP/1.0" : " HTTP/1.1");
    referer = request->header("referer");
    user_agent = request->header("user-agent");
  }
  log.record({peer_ip_, worker_.dates().log_time(), log_line_, status, body_bytes, referer, user_agent});
}

void HttpConnection::flush() {
  if (!busy()) return;
  output_.set_closing(close_after_write_);
  uint64_t before = output_.pending_bytes();
  OutputQueue::Flush result = output_.flush(fd_.get());
  if (result == OutputQueue::Flush::file_shrank) {
    log_warn("a file shrank while being sent to {}; closing the connection", peer_ip_);
    return close();
  }
  if (result == OutputQueue::Flush::error) return close();
  if (output_.pending_bytes() < before && busy()) arm(worker_.write_timeouts());  // progress
}

// Settles what the connection waits for next: interest set and timeout.
void HttpConnection::after_io() {
  if (!busy() && close_after_write_ && !in_body_) return finish();
  set_interest(busy() ? EPOLLOUT : (peer_closed_ ? 0u : EPOLLIN | EPOLLRDHUP));
  if (busy()) {
    if (waiting_on_ != &worker_.write_timeouts()) arm(worker_.write_timeouts());
  } else if (in_body_ || !input_.empty()) {
    if (waiting_on_ != &worker_.request_timeouts()) arm(worker_.request_timeouts());
  } else if (waiting_on_ != &worker_.idle_timeouts()) {
    arm(worker_.idle_timeouts());
    input_.release_if_empty();
    output_.release_if_empty();  // an idle keep-alive connection holds no buffers
  }
}

void HttpConnection::set_interest(uint32_t wanted) {
  if (registered_ && wanted == interest_) return;
  interest_ = wanted;
  if (registered_) {
    worker_.loop().modify(fd_.get(), interest_, this);
  } else {
    worker_.loop().add(fd_.get(), interest_, this);
    registered_ = true;
  }
}

void HttpConnection::arm(TimerQueue& queue) {
  waiting_on_ = &queue;
  queue.arm(timer_);
}

void HttpConnection::on_timeout() {
  bool mid_request = waiting_on_ == &worker_.request_timeouts() && (in_body_ || !input_.empty());
  if (!mid_request || busy()) return close();  // idle, stalled writer, or silent
  input_.clear();
  in_body_ = false;
  answer_error(408);
  flush();
  if (fd_) after_io();
}

void HttpConnection::begin_drain() {
  if (lingering_) return;
  if (!busy() && !in_body_) return close();
  close_after_write_ = true;
}

// Closing with unread input makes the kernel send RST, which can destroy the
// response before the client reads it. So when the peer may still be
// sending (input we did not use, a body, or after an error), shut our side
// down and read until it closes (nginx's lingering close), bounded by the
// request timeout and max_linger_bytes.
void HttpConnection::finish() {
  if (peer_closed_ || (input_.empty() && !in_body_ && !peer_may_send_)) return close();
  ::shutdown(fd_.get(), SHUT_WR);
  lingering_ = true;
  input_.clear();
  input_.release_if_empty();
  set_interest(EPOLLIN | EPOLLRDHUP);
  arm(worker_.request_timeouts());
}

void HttpConnection::linger(uint32_t events) {
  if (events & EPOLLERR) return close();
  Buffer& scratch = worker_.scratch();
  scratch.clear();
  ssize_t n = scratch.read_from(fd_.get(), read_chunk);
  scratch.clear();
  if (n > 0) lingered_bytes_ += static_cast<uint64_t>(n);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) || lingered_bytes_ > max_linger_bytes) close();
}

void HttpConnection::close() {
  timer_.cancel();
  fd_.reset();
  worker_.destroy(this);
}

}  // namespace muxd::http
