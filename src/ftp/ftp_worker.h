#pragma once
// FtpWorker: what one worker loop of `muxd ftp` owns: its control
// connections, their timeout queues and its buffer of log lines (flushed
// every second and at exit). Listeners, signals and stopping are
// core::Server's. Everything here runs on the worker's loop.
#include <memory>
#include <unordered_map>

#include "core/server.h"
#include "core/timer_queue.h"
#include "ftp/client_limits.h"
#include "ftp/ftp_config.h"
#include "ftp/ftp_log.h"
#include "ftp/passive_ports.h"
#include "ftp/session.h"

namespace muxd::ftp {

class ControlConnection;

class FtpWorker final : public ServiceWorker {
 public:
  // `log_fd`: the --log file's descriptor (shared by every worker), -1 for off.
  FtpWorker(EventLoop& loop, const FtpConfig& config, const SessionConfig& session_config,
            ClientLimits& limits, PassivePorts& ports, int log_fd = -1);
  ~FtpWorker() override;
  FtpWorker(const FtpWorker&) = delete;
  FtpWorker& operator=(const FtpWorker&) = delete;

  void start() override;
  void on_accept(size_t listener, UniqueFd fd, const SocketAddress& peer) override;
  void drain(std::function<void()> done) override;

  EventLoop& loop() { return loop_; }
  const SessionConfig& session_config() const { return session_config_; }
  PassivePorts& passive_ports() { return ports_; }
  TimerQueue& idle_timeouts() { return idle_timeouts_; }
  TimerQueue& data_timeouts() { return data_timeouts_; }
  TimerQueue& linger_timeouts() { return linger_timeouts_; }
  FtpLog& log() { return log_; }

  // Both destroy after the current batch of events (EventLoop::destroy_later):
  // the batch may still name the object, and its own callback may be on the stack.
  void destroy(ControlConnection* connection);
  template <typename T>
  void retire(std::unique_ptr<T> object) {
    loop_.destroy_later(std::move(object));
  }

 private:
  void flush_log_periodically();

  EventLoop& loop_;
  FtpLog log_;  // outlives the connections, which log as they end
  const SessionConfig& session_config_;
  ClientLimits& limits_;
  PassivePorts& ports_;
  TimerQueue idle_timeouts_;
  TimerQueue data_timeouts_;
  TimerQueue linger_timeouts_;  // a closing control connection reads what is left for this long
  std::unordered_map<ControlConnection*, std::unique_ptr<ControlConnection>> connections_;
};

}  // namespace muxd::ftp
