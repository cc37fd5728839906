// http::Session's operator endpoints and Basic auth (--health-path,
// --status-path, --auth-file; docs/http-operations.md), kept apart from the
// protocol in session.cpp.
//
// A request's credentials are judged when its head is complete, before any
// body is read: BasicAuth::check() on this thread (a cache lookup, never a
// hash). When a hash is needed:
//   - with SessionShared::offload_auth (every model whose worker serves many
//     clients on one loop: auth_offload.h), the session leaves the request's
//     bytes unused and holds its input (wants().read is false); the verdict
//     comes back through the session's Resume, and the driver offers the same
//     bytes again, now judged by the verdict kept in verified_value_ (the
//     cache may have let the entry go meanwhile);
//   - without it (iterative, thread, fork), the session hashes inline: that
//     thread or process is the client's anyway.
#include <chrono>

#include "http/basic_auth.h"
#include "http/metrics.h"
#include "http/session.h"
#include "http/status_page.h"

namespace muxd::http {

void Session::attach(const std::function<Resume()>& make) {
  if (shared_.config.auth && shared_.offload_auth) resume_ = make();
}

bool Session::authorize(const Request& request) {
  auth_gate_ = AuthGate::pass;
  auth_user_.clear();
  BasicAuth* auth = shared_.config.auth;
  if (!auth || is_health_request(shared_.config, request)) return true;
  WorkerCounters* counters = shared_.config.counters;
  std::string_view value = request.header("authorization");
  if (!verified_value_.empty()) {  // the verdict for this very request, back from a work thread
    bool same = value == verified_value_;
    bool ok = verified_ok_;
    verified_value_.clear();
    if (same) {
      if (ok) {
        auth_user_ = value.empty() ? "" : parse_basic_authorization(value)->user;
      } else {
        auth_gate_ = AuthGate::denied;
      }
      return true;
    }
  }
  auto now = std::chrono::steady_clock::now();
  BasicAuth::Check check = auth->check(value, client_, now);
  switch (check.outcome) {
    case BasicAuth::Outcome::allowed:
      if (counters) WorkerCounters::add(counters->auth_cache_hits);
      auth_user_ = std::move(check.user);
      return true;
    case BasicAuth::Outcome::denied:
      auth_gate_ = AuthGate::denied;
      return true;
    case BasicAuth::Outcome::throttled:
      if (counters) WorkerCounters::add(counters->auth_throttled);
      auth_gate_ = AuthGate::throttled;
      return true;
    case BasicAuth::Outcome::verify:
      break;
  }
  if (counters) WorkerCounters::add(counters->auth_verifications);
  if (!resume_) {
    if (auth->verify(value, now))
      auth_user_ = parse_basic_authorization(value)->user;
    else
      auth_gate_ = AuthGate::denied;
    return true;
  }
  std::string copy(value);
  auto verify = [auth, copy, now] { return auth->verify(copy, now); };
  // The step names `this`, but a Resume runs it only while the session lives.
  auto done = [resume = resume_, copy, this](bool ok) {
    resume([this, copy, ok](OutputQueue&) {
      auth_waiting_ = false;
      verified_value_ = copy;
      verified_ok_ = ok;
    });
  };
  if (!shared_.offload_auth(std::move(verify), std::move(done))) {
    auth_gate_ = AuthGate::unavailable;  // the work queue is full: 503, try again
    return true;
  }
  auth_waiting_ = true;
  return false;
}

ResponseSummary Session::respond(const Request& request, bool keep_alive, OutputQueue& out) {
  const HttpConfig& config = shared_.config;
  SimpleReply reply{out, shared_.site.dates().http_date(), keep_alive, request.minor_version == 0,
                    request.method == Method::Head};
  if (is_health_request(config, request)) return respond_health(reply, request);
  switch (auth_gate_) {
    case AuthGate::pass: break;
    case AuthGate::denied: return respond_auth_refusal(reply, 401, config.auth->challenge());
    case AuthGate::throttled: return respond_auth_refusal(reply, 429, {});
    case AuthGate::unavailable: return respond_auth_refusal(reply, 503, {});
  }
  if (is_status_request(config, request)) return respond_status(reply, request, *config.metrics);
  return shared_.site.respond(request, keep_alive, out);
}

}  // namespace muxd::http
