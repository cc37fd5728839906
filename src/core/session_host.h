#pragma once
// SessionHost: drives StreamSessions on TcpConnections, for one worker loop.
//
// It keeps the worker's live connections (an intrusive list, so a graceful
// stop can reach each), enforces a connection limit, maps a session's timeout
// numbers to the worker's TimerQueues, and destroys a connection after the
// event batch in which it closed. A service's worker owns one host and hands
// it each accepted socket with a new session.
#include <functional>
#include <memory>
#include <vector>

#include "core/stream_session.h"
#include "core/tcp_connection.h"

namespace muxd {

class SessionHost;

// One session on one connection: the StreamSession driver for the epoll runtime.
class SessionConnection final : public StreamHandler {
 public:
  SessionConnection(SessionHost& host, UniqueFd fd, std::unique_ptr<StreamSession> session);
  ~SessionConnection() override;

  void on_data(TcpConnection& connection, Buffer& input) override;
  void on_drained(TcpConnection& connection) override;
  void on_eof(TcpConnection& connection) override;
  void on_timeout(TcpConnection& connection) override;
  void on_closed(TcpConnection& connection, CloseReason reason) override;

  void start(const SocketAddress& peer, TcpConnection::Start how);
  void stop();  // graceful: the session finishes what is in flight
  // The session's Resume (stream_session.h): `step` runs as an event, unless closed.
  void resume(const ResumeStep& step);

  TcpConnection& connection() { return connection_; }

 private:
  friend class SessionHost;
  void after_event();
  void apply(const SessionWants& wants);

  // What a Resume holds: this connection until it closes, then null. Loop
  // thread only; shared so that a Resume may outlive the connection.
  struct ResumeTarget {
    SessionConnection* connection;
  };

  SessionHost& host_;
  TcpConnection connection_;
  std::unique_ptr<StreamSession> session_;
  std::shared_ptr<ResumeTarget> resume_target_;  // made on the first attach
  bool in_data_ = false;
  SessionConnection* prev_ = nullptr;  // the host's list
  SessionConnection* next_ = nullptr;
};

class SessionHost {
 public:
  // timeouts[k - 1] serves a session's timeout number k. max_connections 0: no limit.
  SessionHost(EventLoop& loop, std::vector<TimerQueue*> timeouts, size_t max_connections = 0);
  ~SessionHost();
  SessionHost(const SessionHost&) = delete;
  SessionHost& operator=(const SessionHost&) = delete;

  // Starts driving `session` on `fd`. Refused (the socket closes at once,
  // false returned) past max_connections or while stopping.
  bool start(UniqueFd fd, const SocketAddress& peer, std::unique_ptr<StreamSession> session,
             TcpConnection::Start how = TcpConnection::Start::register_first);

  // Graceful stop: every session is told to finish; `drained` runs once the
  // last connection has closed (at once when there is none).
  void stop(std::function<void()> drained);

  EventLoop& loop() { return loop_; }
  size_t size() const { return count_; }
  bool stopping() const { return stopping_; }

 private:
  friend class SessionConnection;
  TimerQueue* timeout(uint8_t number) const;
  void closed(SessionConnection* connection);
  void check_drained();

  EventLoop& loop_;
  std::vector<TimerQueue*> timeouts_;
  size_t max_connections_;
  SessionConnection* head_ = nullptr;
  size_t count_ = 0;
  bool stopping_ = false;
  std::function<void()> drained_;
};

}  // namespace muxd
