#include "http/session.h"

#include <strings.h>

#include <cstring>

#include "http/metrics.h"

namespace muxd::http {
namespace {

bool expects_continue(const Request& request) {
  std::string_view expect = request.header("expect");
  return request.minor_version == 1 && expect.size() == 12 && strncasecmp(expect.data(), "100-continue", 12) == 0;
}

}  // namespace

SessionShared::SessionShared(const HttpConfig& config_in, const DocumentRoot& root, int access_log_fd,
                             SteadyClock clock_in)
    : config(config_in),
      site(root, {},
           {.allow_dotfiles = config_in.allow_dotfiles, .compress = config_in.compress, .extras = config_in.extras}),
      access_log(access_log_fd, config_in.access_log_format), clock(std::move(clock_in)) {
  refresh_clock();
}

Session::Session(SessionShared& shared, const SocketAddress& peer)
    : shared_(shared), parser_(shared.config.limits), body_(shared.config.limits.max_body_bytes) {
  if (shared_.access_log.enabled()) {
    std::string ip = peer.ip_string();
    std::strncpy(peer_ip_, ip.c_str(), sizeof(peer_ip_) - 1);
  }
  if (shared_.config.auth) client_ = peer;
  if (WorkerCounters* counters = shared_.config.counters) WorkerCounters::add(counters->connections_accepted);
}

Session::~Session() {
  if (shared_.request_owner == this) shared_.request_owner = nullptr;
  if (WorkerCounters* counters = shared_.config.counters) WorkerCounters::add(counters->connections_closed);
}

// Parses and answers every complete request in `data`; returns the bytes used.
size_t Session::on_data(std::string_view data, OutputQueue& out) {
  if (auth_waiting_) return 0;  // a request's credentials are being checked: hold everything
  shared_.refresh_clock();
  size_t used = 0;
  while (used < data.size() && !close_after_output_ && out.pending_bytes() < kMaxQueuedOutput) {
    if (in_body_) {
      used += consume_body(data.substr(used), out);
      if (in_body_) break;
      continue;
    }
    Request& request = claim_request();
    ParseResult result = parser_.parse(data.substr(used), request);
    if (result.status == ParseResult::Incomplete) break;
    parser_.reset();
    if (result.status == ParseResult::Error) {
      answer_error(result.http_status, out);
      return data.size();  // nothing after a malformed request can be trusted
    }
    if (!authorize(request)) break;  // its bytes stay unused until the verdict is back
    used += request.head_size;
    if (request.body == BodyFraming::None) {
      answer(request, out);
      continue;
    }
    body_.start(request);
    BodyDecoder::Result body = body_.feed(data.substr(used));
    used += body.consumed;
    if (body.error_status) {
      answer_error(body.error_status, out);
      return data.size();
    }
    if (body.done) {
      answer(request, out);
      continue;
    }
    // The body goes on in later reads: keep the head to answer from then.
    pending_head_.assign(data.substr(used - body.consumed - request.head_size, request.head_size));
    in_body_ = true;
    if (expects_continue(request)) out.append("HTTP/1.1 100 Continue\r\n\r\n");
  }
  partial_ = used < data.size();
  return used;
}

// The worker's one Request: a parse left half-done by this session is lost
// when another session used the Request meanwhile, so start that parse over.
Request& Session::claim_request() {
  if (shared_.request_owner != this) {
    parser_.reset();
    shared_.request_owner = this;
  }
  return shared_.request;
}

size_t Session::consume_body(std::string_view data, OutputQueue& out) {
  BodyDecoder::Result body = body_.feed(data);
  if (body.error_status) {
    in_body_ = false;
    answer_error(body.error_status, out);
    return data.size();
  }
  if (!body.done) return body.consumed;
  in_body_ = false;
  Request& request = claim_request();
  parser_.reset();
  parser_.parse(pending_head_, request);  // parsed before: complete and valid
  parser_.reset();
  answer(request, out);
  return body.consumed;
}

void Session::answer(const Request& request, OutputQueue& out) {
  bool keep_alive = request.keep_alive && !shared_.stopping && !stopping_ && !peer_closed_;
  ResponseSummary summary = respond(request, keep_alive, out);
  if (!keep_alive) close_after_output_ = true;
  restart_timeout_ = true;
  log_access(&request, summary.status, summary.body_bytes);
}

// RFC 9112 §9.6: after an error the framing can't be trusted, so close.
void Session::answer_error(int status, OutputQueue& out) {
  ResponseSummary summary = shared_.site.respond_error(status, out);
  close_after_output_ = true;
  peer_may_send_ = true;  // the rest of a bad request may still be on its way
  log_access(nullptr, summary.status, summary.body_bytes);
}

void Session::log_access(const Request* request, int status, uint64_t body_bytes) {
  if (WorkerCounters* counters = shared_.config.counters) counters->count_response(status, body_bytes);
  AccessLog& log = shared_.access_log;
  if (!log.enabled()) return;
  log_line_.clear();
  std::string_view referer, user_agent;
  if (request) {
    log_line_.append(request->method_text).append(" ").append(request->target);
    log_line_.append(request->minor_version == 0 ? " HTTP/1.0" : " HTTP/1.1");
    referer = request->header("referer");
    user_agent = request->header("user-agent");
  }
  std::string_view user = request ? std::string_view(auth_user_) : std::string_view();
  log.record({peer_ip_, shared_.site.dates().log_time(), log_line_, status, body_bytes, referer, user_agent, user});
}

// A request still arriving can no longer complete; what is queued still goes.
void Session::on_peer_closed(OutputQueue&) {
  peer_closed_ = true;
  in_body_ = false;
  partial_ = false;
  close_after_output_ = true;
}

void Session::on_timeout(OutputQueue& out) {
  shared_.refresh_clock();
  bool mid_request = timeout_ == kRequestTimeout && (in_body_ || partial_);
  if (!mid_request || !out.empty()) {  // idle, stalled writer, or silent
    close_now_ = true;
    return;
  }
  in_body_ = false;
  partial_ = false;
  answer_error(408, out);
}

// Graceful stop: an idle connection closes now; one with a response in
// flight or a body arriving finishes that exchange without keep-alive.
void Session::on_stop(OutputQueue& out) {
  stopping_ = true;
  if (out.empty() && !in_body_) {
    close_now_ = true;
  } else if (!in_body_) {
    close_after_output_ = true;
  }
}

SessionWants Session::wants(const OutputQueue& out) {
  SessionWants wants;
  if (close_now_ || (peer_closed_ && out.empty())) {
    wants.close = SessionWants::Close::now;
    return wants;
  }
  bool busy = !out.empty();
  if (busy) {
    wants.timeout = kWriteTimeout;
    wants.restart_on_progress = true;
  } else if (in_body_ || partial_ || close_after_output_) {
    wants.timeout = kRequestTimeout;  // also bounds a lingering close
  } else {
    wants.timeout = kIdleTimeout;
    wants.idle = true;  // an idle keep-alive connection holds no buffers
  }
  wants.restart_timeout = restart_timeout_;
  restart_timeout_ = false;
  timeout_ = wants.timeout;
  if (close_after_output_ && !in_body_) {
    bool linger = peer_may_send_ && !peer_closed_;
    wants.close = linger ? SessionWants::Close::after_output_lingering : SessionWants::Close::after_output;
    return wants;
  }
  wants.read = !busy && !peer_closed_ && !auth_waiting_;
  return wants;
}

}  // namespace muxd::http
