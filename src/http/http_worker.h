#pragma once
// HttpWorker: everything one worker thread owns — its loop's listener
// (SO_REUSEPORT: the kernel spreads connections over workers), its
// connections, timeout queues, file cache and access log buffer.
#include <functional>

#include "core/acceptor.h"
#include "core/timer_queue.h"
#include "http/access_log.h"
#include "http/http_config.h"
#include "http/static_site.h"

namespace muxd::http {

class HttpConnection;

class HttpWorker {
 public:
  HttpWorker(EventLoop& loop, const HttpConfig& config, const DocumentRoot& root, int access_log_fd,
             UniqueFd listen_fd, std::function<void()> on_drained);
  ~HttpWorker();

  void start();
  void begin_drain();  // loop thread: stop accepting, finish responses in flight

  EventLoop& loop() { return loop_; }
  const HttpConfig& config() const { return config_; }
  StaticSite& site() { return site_; }
  AccessLog& access_log() { return access_log_; }
  const DateCache& dates() const { return site_.dates(); }
  TimerQueue& request_timeouts() { return request_timeouts_; }
  TimerQueue& idle_timeouts() { return idle_timeouts_; }
  TimerQueue& write_timeouts() { return write_timeouts_; }
  bool draining() const { return draining_; }
  Request& request() { return request_; }
  const HttpConnection* request_owner() const { return request_owner_; }
  void set_request_owner(const HttpConnection* owner) { request_owner_ = owner; }
  // Read space shared by the worker's connections: a connection owns input
  // memory only while it holds part of a request.
  Buffer& scratch() { return scratch_; }

  void refresh_clock();
  void destroy(HttpConnection* connection);  // unlinks now, deletes after the batch

 private:
  void accept(UniqueFd fd, const SocketAddress& peer);
  void flush_log_periodically();
  void check_drained();

  EventLoop& loop_;
  const HttpConfig& config_;
  StaticSite site_;
  AccessLog access_log_;
  Acceptor acceptor_;
  TimerQueue request_timeouts_;
  TimerQueue idle_timeouts_;
  TimerQueue write_timeouts_;
  Request request_;
  const HttpConnection* request_owner_ = nullptr;
  Buffer scratch_;
  HttpConnection* connections_ = nullptr;
  size_t connection_count_ = 0;
  bool draining_ = false;
  std::function<void()> on_drained_;
};

}  // namespace muxd::http
