#pragma once
// SessionDriver: one StreamSession on one non-blocking socket, for IO models
// that wait for their sockets in their own way: blocking in poll(2) per
// connection (iterative, thread, fork), select(2) or poll(2) over many, a
// busy loop, a coroutine, io_uring. On the epoll runtime SessionConnection
// does this job on a TcpConnection; this is the same contract without a loop.
//
// The model asks what to wait for (wants_read(), wants_write(), deadline()),
// waits however it likes, and reports what happened: the socket is readable
// or writable, the deadline passed, the server stops. The driver does the
// reads (16 KiB at a time, as TcpConnection does, so one client cannot
// monopolise a shared loop) and the writes (OutputQueue::flush: writev and
// sendfile), runs the session, and follows what it wants: hold input while
// a response drains, which timeout runs, close after the output drains,
// lingering when the peer may still be sending (RFC 9112 §9.6).
//
// Timeout number k of the session (SessionWants::timeout) lasts timeouts[k-1].
// A lingering close is bounded by the timeout armed last, as TcpConnection's.
// A session that throws gets its connection closed and logged; nothing else
// is affected. Not thread-safe: one thread drives a driver at a time.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/buffer.h"
#include "core/output_queue.h"
#include "core/stream_session.h"
#include "core/unique_fd.h"

namespace muxd {

class SessionDriver {
 public:
  using Clock = std::chrono::steady_clock;

  SessionDriver(UniqueFd fd, std::unique_ptr<StreamSession> session, std::vector<Clock::duration> timeouts);
  ~SessionDriver();
  SessionDriver(const SessionDriver&) = delete;
  SessionDriver& operator=(const SessionDriver&) = delete;

  // The session's on_start (a greeting is sent), then, with read_first, one
  // read: the request that came with the connection is answered at once.
  void start(Clock::time_point now, bool read_first = false);

  // The socket became readable (or hung up) / writable.
  void on_readable(Clock::time_point now);
  void on_writable(Clock::time_point now);
  // Call once now >= deadline(): the session's timeout, or a lingering
  // close's end. Earlier calls do nothing.
  void on_deadline(Clock::time_point now);
  // For models that read by themselves (io_uring): bytes read / EOF.
  void deliver(std::string_view bytes, Clock::time_point now);
  void deliver_eof(Clock::time_point now);

  // Before start(), for models whose loop can run work that finished
  // elsewhere (a password hashed on a work thread): gives the session its
  // Resume (stream_session.h). Calling that Resume, on this driver's thread,
  // runs the step as one more event and then after(*this), in which the model
  // re-arms what the driver now waits for, or drops it once closed. Once the
  // driver is destroyed the Resume drops its steps unrun. A model that never
  // calls this gives sessions no Resume; they then do such work inline.
  void offer_resume(std::function<Clock::time_point()> clock, std::function<void(SessionDriver&)> after);

  // Graceful stop: the session finishes what is in flight, then closes.
  void stop(Clock::time_point now);
  // Now, without sending what is queued.
  void close();
  // Runs just before the descriptor closes, whoever closes it: a model that
  // registered the number somewhere (epoll) takes it out while the number is
  // still its own; once closed, another thread's accept may reuse it.
  void before_close(std::function<void()> hook) { before_close_ = std::move(hook); }

  bool closed() const { return !fd_.valid(); }
  int fd() const { return fd_.get(); }
  bool wants_read() const { return !closed() && (reading_ || lingering_); }
  bool wants_write() const { return !closed() && !lingering_ && !output_.empty(); }
  std::optional<Clock::time_point> deadline() const { return deadline_; }
  bool lingering() const { return lingering_; }
  StreamSession& session() { return *session_; }

 private:
  void offer(Clock::time_point now);
  void after_event(Clock::time_point now);
  void apply(const SessionWants& wants, Clock::time_point now);
  void flush(Clock::time_point now);
  void finish_output(Clock::time_point now);
  void linger_read();
  void arm(uint8_t number, Clock::time_point now);
  template <typename F>
  void guarded(F&& step);
  void resume(const ResumeStep& step, Clock::time_point now);

  UniqueFd fd_;
  std::function<void()> before_close_;
  std::shared_ptr<SessionDriver*> self_;  // what a Resume holds: this driver, null once destroyed
  std::unique_ptr<StreamSession> session_;
  std::vector<Clock::duration> timeouts_;
  Buffer input_;
  OutputQueue output_;
  std::optional<Clock::time_point> deadline_;
  uint8_t timeout_ = 0;  // the number armed last (kept after it fired)
  uint64_t lingered_bytes_ = 0;
  bool reading_ = true;
  bool closing_ = false;
  bool linger_ = false;
  bool lingering_ = false;
  bool peer_closed_ = false;
  bool restart_on_progress_ = false;
};

}  // namespace muxd
