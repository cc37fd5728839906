#pragma once
// http::Session: one HTTP/1.1 connection's protocol, sans-IO (the
// StreamSession contract in core/stream_session.h). Bytes in; responses out
// through StaticSite into the driver's OutputQueue; and what the connection
// should do next. It owns the connection-level rules:
//   - requests are answered in order (pipelining), up to an output budget:
//     past kMaxQueuedOutput the rest waits until the queue has drained;
//   - keep-alive: the request's wish (RFC 9112 §9.3), unless the server is
//     stopping or the client has half-closed;
//   - request bodies (Content-Length or chunked) are read and discarded, with
//     `100 Continue` first when asked (RFC 9110 §10.1.1);
//   - after an error the framing cannot be trusted: close, lingering, since
//     the rest of a bad request may still be arriving (RFC 9112 §9.6);
//   - timeouts: `request` while a request is partly in, `idle` between
//     requests, `write` while a response is being sent; a request timeout
//     mid-request answers 408, any other timeout just closes.
#include <arpa/inet.h>

#include <chrono>
#include <functional>
#include <string>

#include "core/address.h"
#include "core/stream_session.h"
#include "http/access_log.h"
#include "http/body_decoder.h"
#include "http/http_config.h"
#include "http/request_parser.h"
#include "http/static_site.h"

namespace muxd::http {

// SessionWants::timeout numbers; the driver maps them to its TimerQueues.
enum TimeoutKind : uint8_t { kRequestTimeout = 1, kIdleTimeout = 2, kWriteTimeout = 3 };

// Pipelined requests are answered into the queue until this much is pending.
inline constexpr uint64_t kMaxQueuedOutput = 256 * 1024;

// What the sessions of one worker share: the site, the access log, and one
// parsed Request (3 KB that ten thousand connections need not each hold).
struct SessionShared {
  using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

  SessionShared(const HttpConfig& config, const DocumentRoot& root, int access_log_fd, SteadyClock clock);

  // Once per event: the site's notion of now (Date, file cache revalidation).
  void refresh_clock() { site.set_time(::time(nullptr), clock()); }

  const HttpConfig& config;
  StaticSite site;
  AccessLog access_log;
  SteadyClock clock;
  Request request;
  const void* request_owner = nullptr;  // the session whose parse `request` holds
  bool stopping = false;                // graceful stop: no more keep-alive
  // --auth-file: runs `verify` off this worker's thread, then `done(result)`
  // on it; false when it cannot (queue full). Unset: sessions verify inline
  // (the blocking models, whose thread is the client's; see session_auth.cpp).
  std::function<bool(std::function<bool()> verify, std::function<void(bool)> done)> offload_auth;
};

class Session final : public StreamSession {
 public:
  Session(SessionShared& shared, const SocketAddress& peer);
  ~Session() override;

  void attach(const std::function<Resume()>& make) override;
  size_t on_data(std::string_view data, OutputQueue& out) override;
  void on_peer_closed(OutputQueue& out) override;
  void on_timeout(OutputQueue& out) override;
  void on_stop(OutputQueue& out) override;
  SessionWants wants(const OutputQueue& out) override;

 private:
  size_t consume_body(std::string_view data, OutputQueue& out);
  Request& claim_request();
  void answer(const Request& request, OutputQueue& out);
  void answer_error(int status, OutputQueue& out);
  void log_access(const Request* request, int status, uint64_t body_bytes);
  // Operations (session_auth.cpp): --auth-file, --status-path, --health-path.
  enum class AuthGate : uint8_t { pass, denied, throttled, unavailable };
  bool authorize(const Request& request);  // false: verifying elsewhere, the request waits
  ResponseSummary respond(const Request& request, bool keep_alive, OutputQueue& out);

  SessionShared& shared_;
  RequestParser parser_;
  BodyDecoder body_;
  std::string pending_head_;  // the head of a request whose body is still arriving
  std::string log_line_;      // reused to format the access log's request line
  uint8_t timeout_ = 0;       // the timeout last asked for
  bool in_body_ = false;
  bool partial_ = false;            // the driver holds part of a request
  bool close_after_output_ = false;
  bool close_now_ = false;
  bool stopping_ = false;  // on_stop: the exchange in flight is the last
  bool peer_closed_ = false;
  bool peer_may_send_ = false;  // close lingering even with nothing buffered
  bool restart_timeout_ = false;  // a request was answered: the next timeout starts afresh
  char peer_ip_[INET6_ADDRSTRLEN] = "";
  // --auth-file
  Resume resume_;              // attached only when auth is on
  SocketAddress client_;       // only when auth is on: the per-address throttle's key
  std::string auth_user_;      // the verified user of the request being answered
  std::string verified_value_; // an Authorization value verified elsewhere...
  bool verified_ok_ = false;   // ...and the verdict, used once when the request is offered again
  bool auth_waiting_ = false;
  AuthGate auth_gate_ = AuthGate::pass;
};

}  // namespace muxd::http
