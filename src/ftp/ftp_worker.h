#pragma once
// FtpWorker: what one worker thread owns — its listener (SO_REUSEPORT: the
// kernel spreads clients over workers), its control connections and their
// timeout queues. Everything here runs on the worker's loop.
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/acceptor.h"
#include "core/timer_queue.h"
#include "ftp/client_limits.h"
#include "ftp/ftp_config.h"
#include "ftp/passive_ports.h"
#include "ftp/session.h"

namespace muxd::ftp {

class ControlConnection;

class FtpWorker {
 public:
  FtpWorker(EventLoop& loop, const FtpConfig& config, const SessionConfig& session_config,
            ClientLimits& limits, PassivePorts& ports, UniqueFd listen_fd);
  ~FtpWorker();
  FtpWorker(const FtpWorker&) = delete;
  FtpWorker& operator=(const FtpWorker&) = delete;

  void start();

  EventLoop& loop() { return loop_; }
  const SessionConfig& session_config() const { return session_config_; }
  PassivePorts& passive_ports() { return ports_; }
  TimerQueue& idle_timeouts() { return idle_timeouts_; }
  TimerQueue& data_timeouts() { return data_timeouts_; }

  // Both destroy after the current batch of events: the batch may still name
  // the object, and its own callback may be on the stack.
  void destroy(ControlConnection* connection);
  template <typename T>
  void retire(std::unique_ptr<T> object) {
    if (!object) return;
    retired_.push_back(std::shared_ptr<void>(std::move(object)));
    schedule_cleanup();
  }

 private:
  void accept(UniqueFd fd, const SocketAddress& peer);
  void schedule_cleanup();

  EventLoop& loop_;
  const SessionConfig& session_config_;
  ClientLimits& limits_;
  PassivePorts& ports_;
  Acceptor acceptor_;
  TimerQueue idle_timeouts_;
  TimerQueue data_timeouts_;
  std::unordered_map<ControlConnection*, std::unique_ptr<ControlConnection>> connections_;
  std::vector<std::shared_ptr<void>> retired_;
  bool cleanup_posted_ = false;
};

}  // namespace muxd::ftp
