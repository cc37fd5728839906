#pragma once
// ConnectionTable: what the readiness models (nonblocking, select, poll) share,
// so that each model's file holds only its waiting loop, the part the course
// contrasts. One table per worker thread, used on that thread only (except
// interrupt(), which the main thread calls).
//
// It owns the worker's listening socket (its own of the SO_REUSEPORT group),
// the live SessionDrivers indexed by socket number, the sessions' shared
// state, the stop requests and the access log's flushing. A model's loop is:
//
//   while (!table.finished()) {
//     wait for: wake_fd(), listen_fd() (when >= 0), each driver's wants_*()
//               at most wait_ms() (the earliest deadline)
//     now = table.begin_pass();             // the clock once, stop requests, the log
//     table.on_ready(fd, readable, writable, now) for each ready driver
//     table.accept_pending(now) when the listener is ready
//     table.run_deadlines(now);             // due timeouts; finds the next
//   }
//
// Drivers sit in a vector indexed by descriptor: the kernel hands out the
// lowest free number (POSIX), so the vector stays about as long as the number
// of connections, and a lookup is an index. Deadlines are found by a scan of
// every driver per pass rather than a heap: select and poll already walk the
// whole table each wake-up (that is the model), and the scan keeps the
// drivers' deadline() the single source of truth.
//
// Accepting: up to 64 connections per pass; over --max-connections a new
// connection is closed at once (as the epoll worker does); a socket numbered
// fd_limit or higher (select: FD_SETSIZE) is refused with a 503 and closed;
// out of descriptors (EMFILE/ENFILE), one pending connection is refused with a
// spare descriptor, and when even that cannot be had the listener rests for
// 100 ms (see core/acceptor.h for the same policy on the epoll runtime).
// Refusals are logged at most once a second, with a count.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "core/mailbox.h"
#include "core/server.h"
#include "core/session_driver.h"
#include "core/unique_fd.h"
#include "http/auth_offload.h"
#include "http/models/model.h"
#include "http/session.h"

namespace muxd::http {

class ConnectionTable {
 public:
  using Clock = SessionDriver::Clock;

  // fd_limit: sockets numbered fd_limit or above are refused; 0: no limit.
  ConnectionTable(const HttpConfig& config, const DocumentRoot& root, int access_log_fd, int fd_limit = 0);
  ~ConnectionTable();
  ConnectionTable(const ConnectionTable&) = delete;
  ConnectionTable& operator=(const ConnectionTable&) = delete;

  void adopt_listener(UniqueFd fd) { listener_ = std::move(fd); }

  // Main thread: a graceful stop (false) or an immediate one (true). Sets a
  // flag (which begin_pass reads) and makes wake_fd() readable.
  void interrupt(bool now);

  // --- the loop's thread ---------------------------------------------------
  // Starts a pass: the clock (shared.refresh_clock()), the verdicts of
  // password checks back from the auth threads (each resumes its driver),
  // stop requests (a graceful one closes the listener, sets shared.stopping
  // and stops every driver; an immediate one closes everything), the access
  // log once a second.
  Clock::time_point begin_pass();
  // Stopped and every connection closed (or stopped at once): the loop ends.
  bool finished() const;
  // An eventfd, readable after interrupt(); clear_wakeup() reads it.
  int wake_fd() const { return wake_.get(); }
  void clear_wakeup();
  // The listener, or -1 while not accepting (stopping, or resting after EMFILE).
  int listen_fd() const;
  void accept_pending(Clock::time_point now);
  // Runs driver `fd` (if there is one) on readiness, and drops it once closed.
  void on_ready(int fd, bool readable, bool writable, Clock::time_point now);
  // Fires the deadlines due at `now`; remembers the earliest one left.
  void run_deadlines(Clock::time_point now);
  // Milliseconds until the next deadline, the end of a rest after EMFILE or
  // the next log flush, rounded up (never wakes early); -1: nothing to wait for.
  int wait_ms() const;
  // Flushes the access log (the loop calls it when it ends).
  void flush_log() { shared_.access_log.flush(); }

  // Calls visit(SessionDriver&) for each live driver, in descriptor order.
  // visit may call on_ready() or run_deadlines() (which may drop drivers)
  // but must not accept.
  template <typename Visit>
  void for_each(Visit&& visit) {
    for (size_t fd = 0; fd < slots_.size(); ++fd)
      if (slots_[fd]) visit(*slots_[fd]);
  }
  size_t size() const { return live_; }
  SessionShared& shared() { return shared_; }

 private:
  struct Refusals {
    uint64_t count = 0;  // since the last log line
    Clock::time_point next_log{};
    // At most once a second: true when a line is due (the caller logs and zeroes count).
    bool log_due(Clock::time_point now) {
      if (now < next_log) return false;
      next_log = now + std::chrono::seconds(1);
      return true;
    }
  };

  void admit(UniqueFd fd, const SocketAddress& peer, Clock::time_point now);
  void refuse_over_fd_limit(UniqueFd fd, Clock::time_point now);
  bool refuse_while_out_of_descriptors(Clock::time_point now);
  void settle(int fd);
  void begin_stop(Clock::time_point now);
  void close_all();

  SessionShared shared_;
  std::vector<Clock::duration> timeouts_;  // in TimeoutKind order
  size_t max_connections_;
  int fd_limit_;
  UniqueFd listener_;
  UniqueFd wake_;
  Mailbox mailbox_;  // through wake_: work done elsewhere (a password check) comes home
  std::vector<std::unique_ptr<SessionDriver>> slots_;  // by descriptor
  size_t live_ = 0;
  Clock::time_point now_{};  // the pass's time: the sessions' clock
  std::optional<Clock::time_point> next_deadline_;
  std::optional<Clock::time_point> resting_until_;  // the listener rests after EMFILE
  std::optional<Clock::time_point> next_log_flush_;
  Refusals over_fd_limit_;
  Refusals out_of_descriptors_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> stop_now_requested_{false};
  bool stopped_now_ = false;
  AuthOffload auth_;  // last: its threads are joined before the mailbox goes
};

// The ServiceWorker of a readiness model: keeps its listener, runs the model's
// loop (run()) inside start() on the worker thread until stopped (blocking the
// EventLoop's thread, which ServiceWorker::interrupt allows), and turns
// interrupt() into the table's stop requests. By the time drain() runs on the
// loop, run() has returned with every connection closed: the default drain()
// (done at once) is right.
class ReadinessWorker : public ServiceWorker {
 public:
  ReadinessWorker(const ModelContext& context, int fd_limit = 0);

  UniqueFd adopt_listener(size_t, UniqueFd fd) override {
    table_.adopt_listener(std::move(fd));
    return {};
  }
  void interrupt(bool now) override { table_.interrupt(now); }
  void start() final {
    run();
    table_.flush_log();
  }

 protected:
  virtual void run() = 0;
  ConnectionTable table_;
};

}  // namespace muxd::http
