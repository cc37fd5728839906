#include "http/models/uring_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <fcntl.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>

#include "core/log.h"
#include "core/socket.h"

namespace muxd::http {
namespace {

constexpr auto kLogFlushInterval = std::chrono::seconds(1);
constexpr auto kAcceptPause = std::chrono::milliseconds(100);  // out of descriptors: as core/acceptor
constexpr auto kRefusalReportInterval = std::chrono::seconds(1);
constexpr int kMaxRefusalsPerPause = 256;

// A descriptor kept in reserve for refusing connections when there is none
// left (nginx and core/acceptor do the same): one per process, shared by the
// uring workers, so that one worker freeing it cannot lose it to another.
//
// The lock cannot cover the kernel's side: another worker's multishot accept
// may take the slot a refusal frees for an instant. The spare is then missing
// (g_spare_missing), and the next connection any worker accepts is closed at
// once to take its slot back: a refusal, which is what a server out of
// descriptors owes that client anyway.
std::mutex g_spare_mutex;
UniqueFd g_spare;  // guarded by g_spare_mutex
std::atomic<bool> g_spare_missing{false};

void take_spare() {
  if (!g_spare) g_spare.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  g_spare_missing.store(!g_spare);
}

// Frees the spare's slot for a refusal. Missing is said first: a worker
// whose kernel accept takes the slot meanwhile must check (under the lock,
// after the refusal) whether the spare came back.
void release_spare() {
  g_spare_missing.store(true);
  g_spare.reset();
}

// The spare is missing and no descriptor is free for it: closes `fd` (the
// connection is refused) and takes its slot back. False when the spare is
// there, or could be had without that: `fd` is kept.
bool give_slot_to_spare(UniqueFd& fd) {
  if (!g_spare_missing.load()) return false;
  std::lock_guard lock(g_spare_mutex);
  take_spare();
  if (g_spare) return false;
  fd.reset();
  take_spare();
  return true;
}

bool out_of_descriptors(int error) { return error == EMFILE || error == ENFILE; }

__kernel_timespec to_timespec(std::chrono::steady_clock::duration wait) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
  if (ns < 0) ns = 0;
  return {ns / 1'000'000'000, ns % 1'000'000'000};
}

}  // namespace

UringLoop::UringLoop(std::unique_ptr<UringRing> ring, const ModelContext& context)
    : config_(context.config),
      timeouts_{context.config.header_timeout, context.config.idle_timeout, context.config.write_timeout},
      wake_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      mailbox_(wake_fd_.get()),
      now_(Clock::now()),
      shared_(context.config, context.root, context.access_log_fd, [this] { return now_; }),
      ring_(std::move(ring)),
      auth_(shared_, [this](WorkThreads::Completion completion) { mailbox_.post(std::move(completion)); }) {
  if (!wake_fd_) throw std::system_error(errno, std::generic_category(), "eventfd");
  std::lock_guard lock(g_spare_mutex);
  take_spare();
}

UringLoop::~UringLoop() { shared_.access_log.flush(); }

void UringLoop::interrupt(bool now) {
  (now ? stop_now_requested_ : stop_requested_).store(true);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_.get(), &one, sizeof one);
}

void UringLoop::run() {
  now_ = Clock::now();
  next_log_flush_ = now_ + kLogFlushInterval;
  arm_wake();
  arm_accept();
  while (!finished()) turn();
  // Cancels queued by the last closes: the sockets close once their requests end.
  io_uring_submit(ring_->get());
  shared_.access_log.flush();
}

bool UringLoop::finished() const {
  return stopped_now_ || (stopping_ && connections_.size() == 0 && !accepting_);
}

// One wait, then everything that completed, then what came due.
void UringLoop::turn() {
  check_interrupts();
  if (finished()) return;
  std::optional<Clock::time_point> timer = next_timer();
  __kernel_timespec wait{};
  if (timer) wait = to_timespec(*timer - Clock::now());
  io_uring_cqe* first = nullptr;
  // -ETIME (the timer is due) and -EINTR are no errors here.
  io_uring_submit_and_wait_timeout(ring_->get(), &first, 1, timer ? &wait : nullptr, nullptr);
  now_ = Clock::now();
  shared_.refresh_clock();

  unsigned head;
  unsigned seen = 0;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(ring_->get(), head, cqe) {
    complete(*cqe);
    ++seen;
  }
  io_uring_cq_advance(ring_->get(), seen);
  ring_->publish();
  mailbox_.run_all();  // each verdict resumes its driver, then sync()s it

  expire_deadlines();
  if (accept_retry_ && now_ >= *accept_retry_) {
    accept_retry_.reset();
    arm_accept();
  }
  if (now_ >= next_log_flush_) {
    shared_.access_log.flush();
    next_log_flush_ = now_ + kLogFlushInterval;
  }
}

void UringLoop::check_interrupts() {
  if (stop_now_requested_.load() && !stopped_now_) {
    close_all();
    stopped_now_ = true;
  } else if (stop_requested_.load() && !stopping_) {
    begin_stop();
  }
}

std::optional<UringLoop::Clock::time_point> UringLoop::next_timer() const {
  std::optional<Clock::time_point> next;
  auto consider = [&next](Clock::time_point t) {
    if (!next || t < *next) next = t;
  };
  if (!deadlines_.empty()) consider(std::get<0>(deadlines_.top()));
  if (accept_retry_) consider(*accept_retry_);
  if (shared_.access_log.enabled()) consider(next_log_flush_);
  return next;
}

void UringLoop::complete(const io_uring_cqe& cqe) {
  UserData data = UserData::decode(cqe.user_data);
  switch (data.op) {
    case UringOp::wake:
      if (cqe.res >= 0) {
        uint64_t value;
        [[maybe_unused]] ssize_t n = ::read(wake_fd_.get(), &value, sizeof value);
      }
      if (!(cqe.flags & IORING_CQE_F_MORE)) arm_wake();
      return;
    case UringOp::accept:
      return on_accepted(cqe);
    case UringOp::receive:
      return on_received(data.ref, cqe);
    case UringOp::poll_out:
      return on_writable(data.ref);
    case UringOp::cancel:
      return on_cancelled(data.ref, cqe);
  }
}

void UringLoop::on_accepted(const io_uring_cqe& cqe) {
  if (!(cqe.flags & IORING_CQE_F_MORE)) accepting_ = false;
  if (cqe.res >= 0) {
    UniqueFd fd(cqe.res);
    if (give_slot_to_spare(fd)) {
      ++refused_;
    } else {
      start_connection(std::move(fd));
    }
  } else if (cqe.res != -ECANCELED && !stopping_) {
    // EMFILE, ENFILE, ENOBUFS, ENOMEM: the multishot accept ended. Try again
    // in 100 ms; meanwhile refuse what waits rather than leave it hanging.
    if (out_of_descriptors(-cqe.res)) refuse_waiting();
    note_refused(-cqe.res);
    accept_retry_ = now_ + kAcceptPause;
  }
  if (accepting_) return;
  if (stopping_) {
    listener_.reset();
  } else if (!accept_retry_) {
    arm_accept();  // the kernel ended it without an error (e.g. the CQ overflowed)
  }
}

// Out of descriptors: free the spare, accept one connection and close it at
// once (the client sees a clean close), take the spare back; until the
// backlog is empty. A plain accept4(2): this is the rare path, and the
// listener is non-blocking. A connection accepted normally means there are
// descriptors again.
void UringLoop::refuse_waiting() {
  std::lock_guard lock(g_spare_mutex);
  for (int i = 0; i < kMaxRefusalsPerPause; ++i) {
    UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (fd) {
      start_connection(std::move(fd));
      continue;
    }
    if (!out_of_descriptors(errno)) return;  // EAGAIN: nobody waits
    take_spare();
    if (!g_spare) return;
    release_spare();
    UniqueFd refused(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
    bool was_waiting = refused.valid();
    refused.reset();  // first: the spare takes this very slot back
    take_spare();
    if (!was_waiting) return;
    ++refused_;
  }
}

void UringLoop::note_refused(int error) {
  if (now_ < next_refusal_report_) return;
  log_warn("accept: {}; refusing connections, pausing for 100 ms ({} refused since the last report)",
           std::strerror(error), refused_);
  refused_ = 0;
  next_refusal_report_ = now_ + kRefusalReportInterval;
}

void UringLoop::start_connection(UniqueFd fd) {
  if (stopping_ || connections_.full()) return;  // fd closes
  if (config_.max_connections && connections_.size() >= config_.max_connections) return;  // refused
  SocketAddress peer = peer_address(fd.get());
  Connection connection;
  connection.driver =
      std::make_unique<SessionDriver>(std::move(fd), std::make_unique<Session>(shared_, peer), timeouts_);
  SlotRef ref = connections_.add(std::move(connection));
  SessionDriver& driver = *connections_.find(ref)->driver;
  if (shared_.offload_auth) {  // a password check's verdict resumes the driver, then syncs it
    driver.offer_resume([this] { return now_; }, [this, ref](SessionDriver&) {
      if (Connection* resumed = connections_.find(ref)) sync(ref, *resumed);
    });
  }
  // Not read_first: the request (usually already there, TCP_DEFER_ACCEPT)
  // comes through the multishot receive like everything after it.
  driver.start(now_);
  if (Connection* started = connections_.find(ref)) sync(ref, *started);
}

void UringLoop::on_received(SlotRef ref, const io_uring_cqe& cqe) {
  std::optional<uint16_t> buffer;
  if (cqe.flags & IORING_CQE_F_BUFFER) buffer = static_cast<uint16_t>(cqe.flags >> IORING_CQE_BUFFER_SHIFT);
  if (Connection* connection = connections_.find(ref)) {
    if (!(cqe.flags & IORING_CQE_F_MORE)) connection->receiving = connection->cancelling = false;
    SessionDriver& driver = *connection->driver;
    if (cqe.res > 0 && buffer) {
      driver.deliver(ring_->buffer(*buffer, static_cast<size_t>(cqe.res)), now_);
    } else if (cqe.res == 0) {
      driver.deliver_eof(now_);
    } else if (cqe.res < 0 && cqe.res != -ENOBUFS && cqe.res != -ECANCELED) {
      driver.close();  // ECONNRESET and the like, as a failed read(2)
    }
    // ENOBUFS (every provided buffer was in use) and ECANCELED end the
    // multishot receive: sync() arms a new one if the driver still reads.
    sync(ref, *connection);
  }
  if (buffer) ring_->recycle(*buffer);
}

void UringLoop::on_writable(SlotRef ref) {
  Connection* connection = connections_.find(ref);
  if (!connection) return;
  connection->polling = false;
  connection->driver->on_writable(now_);
  sync(ref, *connection);
}

// After every call into a driver: arm what it now waits for, queue its
// deadline, or let it go.
void UringLoop::sync(SlotRef ref, Connection& connection) {
  SessionDriver& driver = *connection.driver;
  if (driver.closed()) return release(ref, connection);
  if (driver.wants_read() && !connection.receiving) {
    arm_receive(ref, driver.fd());
    connection.receiving = true;
  } else if (!driver.wants_read() && connection.receiving && !connection.cancelling) {
    cancel({UringOp::receive, ref});  // input is held until the output drains: stop taking more
    connection.cancelling = true;
  }
  if (driver.wants_write() && !connection.polling) {
    arm_poll(ref, driver.fd());
    connection.polling = true;
  }
  std::optional<Clock::time_point> deadline = driver.deadline();
  if (deadline && (!connection.queued || *deadline < *connection.queued)) {
    deadlines_.emplace(*deadline, ref.slot, ref.generation);
    connection.queued = deadline;
  }
}

// The driver closed its socket; the requests still armed on it hold the
// socket open until they end, so cancel them. Their CQEs find a new generation.
void UringLoop::release(SlotRef ref, Connection& connection) {
  if (connection.receiving && !connection.cancelling) cancel({UringOp::receive, ref});
  if (connection.polling) cancel({UringOp::poll_out, ref});
  connections_.remove(ref);
}

// A deadline that moved later leaves its old entry behind: when that one
// comes up, the driver's real deadline is queued instead (at most one new
// entry per entry taken, so the heap stays about one entry per connection).
void UringLoop::expire_deadlines() {
  while (!deadlines_.empty() && std::get<0>(deadlines_.top()) <= now_) {
    auto [when, slot, generation] = deadlines_.top();
    deadlines_.pop();
    SlotRef ref{slot, generation};
    Connection* connection = connections_.find(ref);
    if (!connection) continue;
    if (connection->queued == when) connection->queued.reset();
    connection->driver->on_deadline(now_);  // does nothing before the driver's own deadline
    sync(ref, *connection);
  }
}

// Graceful: no new connections; every session finishes what is in flight.
void UringLoop::begin_stop() {
  stopping_ = true;
  shared_.stopping = true;
  accept_retry_.reset();
  if (accepting_) {
    cancel({UringOp::accept, {}});
  } else {
    listener_.reset();
  }
  connections_.for_each([this](SlotRef ref, Connection& connection) {
    connection.driver->stop(now_);
    sync(ref, connection);
  });
}

void UringLoop::close_all() {
  connections_.for_each([this](SlotRef ref, Connection& connection) {
    connection.driver->close();
    release(ref, connection);
  });
}

void UringLoop::arm_wake() {
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_poll_multishot(sqe, wake_fd_.get(), POLLIN);
  io_uring_sqe_set_data64(sqe, UserData{UringOp::wake, {}}.encode());
}

void UringLoop::arm_accept() {
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_multishot_accept(sqe, listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, UserData{UringOp::accept, {}}.encode());
  accepting_ = true;
}

void UringLoop::arm_receive(SlotRef ref, int fd) {
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_recv_multishot(sqe, fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = UringRing::kBufferGroup;
  io_uring_sqe_set_data64(sqe, UserData{UringOp::receive, ref}.encode());
}

void UringLoop::arm_poll(SlotRef ref, int fd) {
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_poll_add(sqe, fd, POLLOUT);
  io_uring_sqe_set_data64(sqe, UserData{UringOp::poll_out, ref}.encode());
}

void UringLoop::cancel(UserData target) {
  io_uring_sqe* sqe = ring_->next_sqe();
  io_uring_prep_cancel64(sqe, target.encode(), 0);
  io_uring_sqe_set_data64(sqe, UserData{UringOp::cancel, target.ref}.encode());
}

// Success or -ENOENT: the target's own CQE tells what happened. -EALREADY:
// the target was running and may go on (a multishot receive then keeps
// filling a session that holds its input, without bound): sync() cancels
// again if the connection still holds it. Only a receive's cancel can find a
// live connection still cancelling; for any other a second cancel is harmless.
void UringLoop::on_cancelled(SlotRef ref, const io_uring_cqe& cqe) {
  if (cqe.res != -EALREADY) return;
  Connection* connection = connections_.find(ref);
  if (!connection || !connection->cancelling) return;
  connection->cancelling = false;
  sync(ref, *connection);
}

}  // namespace muxd::http
