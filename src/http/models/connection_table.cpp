#include "http/models/connection_table.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>

#include "core/log.h"

namespace muxd::http {
namespace {

constexpr int kMaxAcceptBatch = 64;  // as core::Acceptor: one pass cannot starve the connections served
constexpr auto kRest = std::chrono::milliseconds(100);  // the listener's rest when out of descriptors
constexpr auto kLogFlushInterval = std::chrono::seconds(1);
constexpr std::string_view kBusy =
    "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

// The process's spare descriptor for refusing connections when out of
// descriptors, shared by the tables of all workers (as core::Acceptor's).
std::mutex g_spare_mutex;
UniqueFd g_spare;  // guarded by g_spare_mutex

void take_spare() {
  if (!g_spare) g_spare.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
}

bool out_of_descriptors(int error) { return error == EMFILE || error == ENFILE; }

}  // namespace

ConnectionTable::ConnectionTable(const HttpConfig& config, const DocumentRoot& root, int access_log_fd,
                                 int fd_limit)
    : shared_(config, root, access_log_fd, [this] { return now_; }),
      timeouts_{config.header_timeout, config.idle_timeout, config.write_timeout},
      max_connections_(config.max_connections),
      fd_limit_(fd_limit),
      wake_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)),
      mailbox_(wake_.get()),
      auth_(shared_, [this](WorkThreads::Completion completion) { mailbox_.post(std::move(completion)); }) {
  if (!wake_) throw std::system_error(errno, std::generic_category(), "eventfd");
  std::lock_guard lock(g_spare_mutex);
  take_spare();
}

ConnectionTable::~ConnectionTable() { close_all(); }

void ConnectionTable::interrupt(bool now) {
  (now ? stop_now_requested_ : stop_requested_).store(true, std::memory_order_release);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_.get(), &one, sizeof one);
}

void ConnectionTable::clear_wakeup() {
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(wake_.get(), &count, sizeof count);
}

ConnectionTable::Clock::time_point ConnectionTable::begin_pass() {
  now_ = Clock::now();
  shared_.refresh_clock();
  mailbox_.run_all();
  // A rest that is over is forgotten here, not only at the next accept: with
  // nothing pending the listener never becomes ready, and a past rest would
  // keep wait_ms() at 0, spinning the loop.
  if (resting_until_ && now_ >= *resting_until_) resting_until_.reset();
  if (stop_now_requested_.load(std::memory_order_acquire)) {
    if (!stopped_now_) close_all();
    stopped_now_ = true;
  } else if (stop_requested_.load(std::memory_order_acquire) && !shared_.stopping) {
    begin_stop(now_);
  }
  if (shared_.access_log.enabled() && (!next_log_flush_ || now_ >= *next_log_flush_)) {
    shared_.access_log.flush();
    next_log_flush_ = now_ + kLogFlushInterval;
  }
  return now_;
}

bool ConnectionTable::finished() const { return stopped_now_ || (shared_.stopping && live_ == 0); }

int ConnectionTable::listen_fd() const {
  if (resting_until_ && now_ < *resting_until_) return -1;
  return listener_.get();
}

void ConnectionTable::accept_pending(Clock::time_point now) {
  if (listen_fd() < 0) return;
  resting_until_.reset();
  for (int i = 0; i < kMaxAcceptBatch; ++i) {
    SocketAddress peer;
    UniqueFd fd;
    {
      // Under the spare's lock: another worker's accept must not take the
      // slot a refusal frees for an instant, or the spare is lost for good
      // and clients wait unrefused in the backlog. Uncontended but for the
      // moments two workers accept at once.
      std::lock_guard lock(g_spare_mutex);
      fd.reset(::accept4(listener_.get(), peer.get(), peer.length_ptr(), SOCK_NONBLOCK | SOCK_CLOEXEC));
    }
    if (fd) {
      admit(std::move(fd), peer, now);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED) continue;
    if (out_of_descriptors(errno)) {
      if (refuse_while_out_of_descriptors(now)) continue;
      return;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) log_error("accept: {}", std::strerror(errno));
    return;
  }
}

// TCP_DEFER_ACCEPT on the listener: the request is usually in already, so
// the driver reads at once (a Connection: close exchange never waits).
void ConnectionTable::admit(UniqueFd fd, const SocketAddress& peer, Clock::time_point now) {
  if (fd_limit_ > 0 && fd.get() >= fd_limit_) return refuse_over_fd_limit(std::move(fd), now);
  if (max_connections_ > 0 && live_ >= max_connections_) return;  // closed: refused
  int number = fd.get();
  auto driver = std::make_unique<SessionDriver>(std::move(fd), std::make_unique<Session>(shared_, peer), timeouts_);
  if (slots_.size() <= static_cast<size_t>(number)) slots_.resize(static_cast<size_t>(number) + 1);
  if (shared_.offload_auth) {  // its verdict resumes the driver; a closed one then leaves
    driver->offer_resume([this] { return now_; }, [this, number](SessionDriver&) { settle(number); });
  }
  slots_[number] = std::move(driver);
  ++live_;
  slots_[number]->start(now, /*read_first=*/true);
  settle(number);
}

// A socket the model cannot wait for (select: FD_SETSIZE). Read what came
// (closing with unread input would send a reset that can destroy the reply,
// RFC 9112 §9.6), answer 503, close: one try each, never waiting.
void ConnectionTable::refuse_over_fd_limit(UniqueFd fd, Clock::time_point now) {
  char sink[16 * 1024];
  [[maybe_unused]] ssize_t n = ::recv(fd.get(), sink, sizeof sink, MSG_DONTWAIT);
  n = ::send(fd.get(), kBusy.data(), kBusy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ++over_fd_limit_.count;
  if (!over_fd_limit_.log_due(now)) return;
  log_warn("accept: descriptor {} is past the model's limit of {}; answered 503 and closed ({} refused since the "
           "last report)",
           fd.get(), fd_limit_ - 1, over_fd_limit_.count);
  over_fd_limit_.count = 0;
}

// Out of descriptors, a pending connection would wait in the backlog (and a
// listener that stays ready would spin the loop): free the spare, accept and
// close one connection, take the spare back. Returns false when that failed
// (nothing pending, or the spare is gone): the listener then rests 100 ms.
bool ConnectionTable::refuse_while_out_of_descriptors(Clock::time_point now) {
  int error = errno;
  bool refused = false;
  {
    std::lock_guard lock(g_spare_mutex);
    take_spare();
    if (g_spare) {
      g_spare.reset();
      UniqueFd fd(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      refused = fd.valid();
      fd.reset();  // first: the spare takes this very slot back
      take_spare();
    }
  }
  if (refused) ++out_of_descriptors_.count;
  if (!refused) resting_until_ = now + kRest;
  if (out_of_descriptors_.log_due(now)) {
    log_warn("accept: {}; {} ({} refused since the last report)", std::strerror(error),
             refused ? "refusing connections" : "pausing for 100 ms", out_of_descriptors_.count);
    out_of_descriptors_.count = 0;
  }
  return refused;
}

void ConnectionTable::on_ready(int fd, bool readable, bool writable, Clock::time_point now) {
  if (fd < 0 || static_cast<size_t>(fd) >= slots_.size() || !slots_[fd]) return;
  SessionDriver& driver = *slots_[fd];
  if (readable) driver.on_readable(now);
  if (writable) driver.on_writable(now);  // does nothing once closed
  settle(fd);
}

void ConnectionTable::run_deadlines(Clock::time_point now) {
  next_deadline_.reset();
  for (size_t fd = 0; fd < slots_.size(); ++fd) {
    if (!slots_[fd]) continue;
    SessionDriver& driver = *slots_[fd];
    if (driver.deadline() && now >= *driver.deadline()) {
      driver.on_deadline(now);
      settle(static_cast<int>(fd));
      if (fd >= slots_.size() || !slots_[fd]) continue;
    }
    std::optional<Clock::time_point> deadline = slots_[fd]->deadline();
    if (deadline && (!next_deadline_ || *deadline < *next_deadline_)) next_deadline_ = deadline;
  }
}

int ConnectionTable::wait_ms() const {
  std::optional<Clock::time_point> next = next_deadline_;
  auto earliest = [&](const std::optional<Clock::time_point>& t) {
    if (t && (!next || *t < *next)) next = t;
  };
  if (listener_ && !shared_.stopping) earliest(resting_until_);
  earliest(next_log_flush_);
  if (!next) return -1;
  auto left = *next - Clock::now();
  if (left <= Clock::duration::zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > INT32_MAX ? INT32_MAX : static_cast<int>(ms);
}

// After a driver ran: a closed one leaves the table (its descriptor is
// already closed, so the number may be handed out again at the next accept).
void ConnectionTable::settle(int fd) {
  if (!slots_[fd]->closed()) return;
  slots_[fd].reset();
  --live_;
  while (!slots_.empty() && !slots_.back()) slots_.pop_back();
}

// Graceful: no new connections (the listener closes; the scaffold has closed
// the acceptors' listeners the same way), no more keep-alive, and each
// session finishes what is in flight.
void ConnectionTable::begin_stop(Clock::time_point now) {
  listener_.reset();
  shared_.stopping = true;
  for (size_t fd = 0; fd < slots_.size(); ++fd) {
    if (!slots_[fd]) continue;
    slots_[fd]->stop(now);
    settle(static_cast<int>(fd));
  }
}

void ConnectionTable::close_all() {
  listener_.reset();
  slots_.clear();  // each driver closes its socket
  live_ = 0;
  next_deadline_.reset();
}

ReadinessWorker::ReadinessWorker(const ModelContext& context, int fd_limit)
    : table_(context.config, context.root, context.access_log_fd, fd_limit) {}

}  // namespace muxd::http
