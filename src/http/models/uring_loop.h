#pragma once
// UringLoop: one worker of --model uring, a loop of its own around one
// io_uring. See uring.cpp for what it chooses and why.
//
// Per turn: one io_uring_submit_and_wait_timeout (every SQE queued since the
// last turn goes in the same io_uring_enter that waits), then every CQE that
// is there. Completions name their connection by slot and generation
// (uring_slots.h), so a closed connection's late CQEs are ignored; a
// receive's buffer always goes back to the ring.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <queue>
#include <tuple>
#include <vector>

#include "core/mailbox.h"
#include "core/session_driver.h"
#include "core/unique_fd.h"
#include "http/auth_offload.h"
#include "http/models/model.h"
#include "http/models/uring_ring.h"
#include "http/models/uring_slots.h"
#include "http/session.h"

namespace muxd::http {

class UringLoop {
 public:
  using Clock = std::chrono::steady_clock;

  UringLoop(std::unique_ptr<UringRing> ring, const ModelContext& context);
  ~UringLoop();

  // Before run(): the listening socket to accept from.
  void adopt_listener(UniqueFd listener) { listener_ = std::move(listener); }

  // On the worker thread: serves until a graceful stop finished or a stop now.
  void run();
  // Any thread: begin a graceful stop (false) or stop at once (true).
  void interrupt(bool now);

 private:
  struct Connection {
    std::unique_ptr<SessionDriver> driver;
    bool receiving = false;   // a multishot receive is armed
    bool cancelling = false;  // ... and asked to stop (flow control: input is held)
    bool polling = false;     // a POLLOUT poll is armed: the socket was full
    std::optional<Clock::time_point> queued;  // earliest entry of this slot in deadlines_
  };
  using Deadline = std::tuple<Clock::time_point, uint32_t, uint32_t>;  // time, slot, generation

  bool finished() const;
  void turn();
  void check_interrupts();
  void complete(const io_uring_cqe& cqe);
  void on_accepted(const io_uring_cqe& cqe);
  void on_received(SlotRef ref, const io_uring_cqe& cqe);
  void on_cancelled(SlotRef ref, const io_uring_cqe& cqe);
  void on_writable(SlotRef ref);
  void start_connection(UniqueFd fd);
  void sync(SlotRef ref, Connection& connection);
  void release(SlotRef ref, Connection& connection);
  void expire_deadlines();
  void refuse_waiting();
  void note_refused(int error);
  void begin_stop();
  void close_all();

  void arm_wake();
  void arm_accept();
  void arm_receive(SlotRef ref, int fd);
  void arm_poll(SlotRef ref, int fd);
  void cancel(UserData target);
  std::optional<Clock::time_point> next_timer() const;

  const HttpConfig& config_;
  std::vector<Clock::duration> timeouts_;  // in http::TimeoutKind order
  UniqueFd listener_;
  UniqueFd wake_fd_;  // an eventfd: interrupt() and mailbox_ write, a POLLIN poll on the ring reads
  Mailbox mailbox_;   // password checks' verdicts, back from auth_'s threads
  Clock::time_point now_;
  SessionShared shared_;
  SlotTable<Connection> connections_;
  std::priority_queue<Deadline, std::vector<Deadline>, std::greater<>> deadlines_;

  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> stop_now_requested_{false};
  bool stopping_ = false;
  bool stopped_now_ = false;
  bool accepting_ = false;  // the multishot accept is armed
  std::optional<Clock::time_point> accept_retry_;
  Clock::time_point next_log_flush_;
  Clock::time_point next_refusal_report_;
  uint64_t refused_ = 0;

  std::unique_ptr<UringRing> ring_;  // destroyed early (after auth_), while what its requests name still exists
  AuthOffload auth_;  // last: its threads are joined before the mailbox goes
};

}  // namespace muxd::http
