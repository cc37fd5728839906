#pragma once
// HttpWorker: what one worker loop of `muxd http` owns: the sessions' shared
// state (site, file cache, access log buffer), the three timeout queues, and
// the SessionHost that drives each connection's http::Session. Listeners,
// signals and the graceful stop are core::Server's.
#include "core/server.h"
#include "core/session_host.h"
#include "core/timer_queue.h"
#include "http/auth_offload.h"
#include "http/session.h"

namespace muxd::http {

class HttpWorker final : public ServiceWorker {
 public:
  HttpWorker(EventLoop& loop, const HttpConfig& config, const DocumentRoot& root, int access_log_fd);
  ~HttpWorker() override;

  void start() override;
  void on_accept(size_t listener, UniqueFd fd, const SocketAddress& peer) override;
  void drain(std::function<void()> done) override;

 private:
  void flush_log_periodically();

  EventLoop& loop_;
  SessionShared shared_;
  TimerQueue request_timeouts_;
  TimerQueue idle_timeouts_;
  TimerQueue write_timeouts_;
  SessionHost host_;  // after the queues: its connections' timers live in them
  AuthOffload auth_;  // last: its threads are joined before anything they complete on goes
};

}  // namespace muxd::http
