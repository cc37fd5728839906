#include "dict/dict_server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "core/address_buckets.h"
#include "core/address_limit.h"
#include "core/datagram_io.h"
#include "core/log.h"
#include "core/server.h"
#include "core/session_host.h"
#include "core/timer_queue.h"
#include "core/work_pool.h"
#include "dict/udp_protocol.h"

namespace muxd::dict {
namespace {

using LookupPool = WorkPool<QueryRunner>;

// The session's Backend: queries go to the pool, answers come back on this loop.
class PoolBackend final : public Backend {
 public:
  PoolBackend(LookupPool& pool, EventLoop& loop) : pool_(pool), loop_(loop) {}

  bool submit(Query query, std::function<void(QueryResult)> done) override {
    return pool_.try_submit(loop_, [query = std::move(query), done = std::move(done)](QueryRunner& runner) {
      auto result = std::make_shared<QueryResult>(runner.run(query));
      return LookupPool::Completion([done, result] { done(std::move(*result)); });
    });
  }

 private:
  LookupPool& pool_;
  EventLoop& loop_;
};

constexpr int kSocketBufferBytes = 4 << 20;  // bursts of lookups (1,000 clients at once)
constexpr int kMaxBatchesPerWakeup = 16;     // then timers and DICT connections get their turn

// The course's protocol on the UDP socket: a recvmmsg batch of words is one
// pool job (one hop to a thread and back per 64 lookups, not per lookup);
// the answers go out by sendmmsg. Requests past a full queue or a source
// over its rate are dropped and counted, with one log line a second at most.
class UdpLookups final : public Watcher {
 public:
  UdpLookups(EventLoop& loop, UniqueFd socket, LookupPool& pool, const DictConfig& config)
      : loop_(loop),
        socket_(std::move(socket)),
        pool_(pool),
        config_(config),
        batch_(kMaxDatagramBytes),
        sender_(socket_.get(), 1 << 16),
        rates_(config.udp_rate, config.udp_rate * 2, 1 << 16) {
    ::setsockopt(socket_.get(), SOL_SOCKET, SO_RCVBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
    ::setsockopt(socket_.get(), SOL_SOCKET, SO_SNDBUF, &kSocketBufferBytes, sizeof kSocketBufferBytes);
    loop_.add(socket_.get(), EPOLLIN, this);
  }
  ~UdpLookups() override {
    if (report_) loop_.cancel(*report_);
  }

  void handle_events(uint32_t events) override {
    if ((events & EPOLLIN) && !draining_) receive();
    if (events & EPOLLOUT) sender_.flush();
    watch_writable();
  }

  // Stop taking requests; `done` once the answers in flight are sent.
  void drain(std::function<void()> done) {
    draining_ = true;
    loop_.remove(socket_.get());
    watching_writable_ = false;
    drained_ = std::move(done);
    check_drained();
  }

 private:
  struct Request {
    SocketAddress from;
    std::string word;
  };

  void receive() {
    for (int round = 0; round < kMaxBatchesPerWakeup; ++round) {
      int count = batch_.receive(socket_.get());
      if (count <= 0) return;  // EAGAIN, or an ICMP error surfacing: next wake-up
      std::vector<Request> requests;
      for (int i = 0; i < count; ++i) {
        std::string_view payload = batch_.payload(static_cast<size_t>(i));
        auto word = payload.size() > kMaxDatagramBytes ? std::nullopt : udp_word(payload);
        SocketAddress from = batch_.sender(static_cast<size_t>(i));
        if (!word) {
          ++malformed_;
        } else if (config_.udp_rate > 0 && !rates_.take(from.with_port(0), loop_.now())) {
          ++limited_;
        } else {
          requests.push_back(Request{from, std::string(*word)});
        }
      }
      if (!requests.empty()) submit(std::move(requests));
      if (count < static_cast<int>(ReceiveBatch::kCapacity)) return;
    }
  }

  void submit(std::vector<Request> requests) {
    size_t n = requests.size();
    auto shared = std::make_shared<std::vector<Request>>(std::move(requests));
    size_t answer_bytes = config_.udp_answer_bytes;
    bool taken = pool_.try_submit(loop_, [this, shared, answer_bytes](QueryRunner& runner) {
      auto answers = std::make_shared<std::vector<Outgoing>>();
      for (Request& request : *shared) {
        std::string meaning;
        try {
          meaning = runner.meaning(request.word);
        } catch (const std::exception& error) {
          runner.report(error, QueryRunner::Clock::now());
          continue;  // no answer: the client retries, as after any lost datagram
        }
        answers->push_back(Outgoing{udp_answer(meaning, answer_bytes), {request.from}});
      }
      // `this` lives until the loops stopped; completions never run after that.
      return LookupPool::Completion([this, answers] { answered(*answers); });
    });
    if (taken) {
      ++in_flight_;
    } else {
      shed_ += n;
      schedule_report();
    }
  }

  void answered(std::vector<Outgoing>& answers) {
    --in_flight_;
    sender_.send(answers);
    watch_writable();
    check_drained();
  }

  void watch_writable() {
    bool want = sender_.blocked() && !draining_;
    if (want == watching_writable_) return;
    loop_.modify(socket_.get(), want ? EPOLLIN | EPOLLOUT : EPOLLIN, this);
    watching_writable_ = want;
  }

  void schedule_report() {
    if (report_) return;
    report_ = loop_.run_after(std::chrono::seconds(1), [this] {
      report_.reset();
      log_warn("dict: {} UDP requests dropped in the last second: the database queue is full", shed_);
      shed_ = 0;
    });
  }

  void check_drained() {
    if (!drained_ || in_flight_ > 0) return;
    auto done = std::move(drained_);
    drained_ = nullptr;
    done();
  }

  EventLoop& loop_;
  UniqueFd socket_;
  LookupPool& pool_;
  const DictConfig& config_;
  ReceiveBatch batch_;
  DatagramSender sender_;
  AddressBuckets rates_;
  size_t in_flight_ = 0;
  size_t shed_ = 0, malformed_ = 0, limited_ = 0;
  std::optional<EventLoop::TimerId> report_;
  bool watching_writable_ = false;
  bool draining_ = false;
  std::function<void()> drained_;
};

// A refused client hears why (RFC 2229 §2.4.2), then the socket closes.
void refuse(const UniqueFd& fd) {
  static constexpr std::string_view kBusy = "420 Server temporarily unavailable\r\n";
  [[maybe_unused]] ssize_t n = ::send(fd.get(), kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// One worker loop: DICT sessions (and, on the first, the UDP socket).
class DictWorker final : public ServiceWorker {
 public:
  DictWorker(EventLoop& loop, const DictConfig& config, LookupPool& pool, AddressLimit& per_address,
             std::atomic<uint64_t>& connection_ids, const std::string& host)
      : loop_(loop),
        config_(config),
        pool_(pool),
        per_address_(per_address),
        connection_ids_(connection_ids),
        host_name_(host),
        backend_(pool, loop),
        idle_timeouts_(loop, config.idle_timeout),
        host_(loop, {&idle_timeouts_}, config.max_connections) {}

  // The scaffold destroys workers once every loop has stopped, before the
  // loops themselves: the pool's threads must be gone by then (work_pool.h).
  ~DictWorker() override { pool_.stop(); }

  void adopt_datagram_socket(size_t, UniqueFd fd) override {
    udp_ = std::make_unique<UdpLookups>(loop_, std::move(fd), pool_, config_);
  }

  void on_accept(size_t, UniqueFd fd, const SocketAddress& peer) override {
    auto lease = per_address_.acquire(peer);
    bool full = config_.max_connections && host_.size() >= config_.max_connections;
    if (!lease || full || host_.stopping()) return refuse(fd);
    std::string msg_id = fmt::format("<{}.{}@{}>", connection_ids_.fetch_add(1) + 1, ::getpid(), host_name_);
    host_.start(std::move(fd), peer, std::make_unique<Session>(backend_, std::move(msg_id), config_.limits, lease));
  }

  void drain(std::function<void()> done) override {
    auto pending = std::make_shared<int>(udp_ ? 2 : 1);
    auto one_done = [pending, done] {
      if (--*pending == 0) done();
    };
    if (udp_) udp_->drain(one_done);
    host_.stop(one_done);
  }

 private:
  EventLoop& loop_;
  const DictConfig& config_;
  LookupPool& pool_;
  AddressLimit& per_address_;
  std::atomic<uint64_t>& connection_ids_;
  const std::string& host_name_;
  PoolBackend backend_;
  TimerQueue idle_timeouts_;
  std::unique_ptr<UdpLookups> udp_;
  SessionHost host_;  // last: its sessions use the backend and the queue
};

}  // namespace

int run_server(const DictConfig& config) {
  // Before the pool's threads exist, so that they inherit the mask: a stop or
  // reopen signal must reach the scaffold's signalfd, not kill the process from a pool thread.
  block_server_signals();
  std::vector<std::unique_ptr<QueryRunner>> runners;
  try {
    for (size_t i = 0; i < config.db_threads; ++i) runners.push_back(std::make_unique<QueryRunner>(open_store(config.db, true), config.query_delay));
    runners.front()->run(Query{Query::Kind::databases, {}, Strategy::exact, {}, 0});  // fails early on a broken table
  } catch (const std::exception& error) {
    log_error("muxd dict: {}: {}", config.db, error.what());
    return 1;
  }
  LookupPool pool(std::move(runners), config.db_queue);
  AddressLimit per_address(config.max_sessions_per_ip);
  std::atomic<uint64_t> connection_ids{0};
  std::string host = host_name();

  ServerSpec spec;
  spec.service = "dict";
  spec.workers = config.workers;
  spec.drain_timeout = config.shutdown_timeout;
  ListenerSpec& udp = spec.listeners.emplace_back();
  udp.address = config.udp_listen;
  udp.datagram = true;
  udp.tag = "udp";
  ListenerSpec& dict = spec.listeners.emplace_back();
  dict.address = config.dict_listen;
  dict.tag = "dict";
  dict.nodelay = true;  // small interactive replies
  spec.make_worker = [&](EventLoop& loop, size_t) {
    return std::make_unique<DictWorker>(loop, config, pool, per_address, connection_ids, host);
  };
  int status = muxd::run_server(spec);
  pool.stop();  // already stopped by the workers; here for a start-up that failed before any was made
  return status;
}

}  // namespace muxd::dict
