#include "core/server.h"

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <system_error>

#include "core/acceptor.h"
#include "core/log.h"
#include "core/signals.h"
#include "core/socket.h"
#include "core/worker_pool.h"

namespace muxd {
namespace {

// One TCP socket per worker on the same address (SO_REUSEPORT): the kernel
// balances new connections and no worker contends on a shared accept queue.
// With port 0 the first socket picks the port and the others join it.
std::vector<UniqueFd> open_group(const ListenerSpec& spec, size_t workers, SocketAddress& bound) {
  check_address_free(spec.address);
  std::vector<UniqueFd> group;
  group.push_back(listen_tcp(spec.address, spec.backlog, true, spec.nodelay));
  bound = local_address(group.front().get());
  for (size_t i = 1; i < workers; ++i) group.push_back(listen_tcp(bound, spec.backlog, true, spec.nodelay));
  if (spec.defer_accept_seconds > 0)
    for (auto& fd : group) set_defer_accept(fd.get(), spec.defer_accept_seconds);
  return group;
}

void write_stderr(const std::string& line) {
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

// What runs on one worker loop: the service's worker and its acceptors.
struct WorkerSlot {
  std::unique_ptr<ServiceWorker> worker;
  std::vector<std::unique_ptr<Acceptor>> acceptors;
};

class Scaffold {
 public:
  explicit Scaffold(const ServerSpec& spec) : spec_(spec), pool_(spec.workers ? spec.workers : 1) {}

  void open_listeners();
  void make_workers();
  int run();

 private:
  void on_signal(int signal);
  void drain_worker(size_t index);
  void stop_now();

  const ServerSpec& spec_;
  EventLoop main_loop_;
  WorkerPool pool_;
  std::vector<std::vector<UniqueFd>> sockets_;  // [listener][worker]
  std::vector<SocketAddress> bound_;
  std::vector<WorkerSlot> slots_;
  std::atomic<size_t> drained_{0};
  bool stopping_ = false;
};

void Scaffold::open_listeners() {
  for (const ListenerSpec& spec : spec_.listeners) {
    SocketAddress bound;
    if (spec.datagram) {
      sockets_.emplace_back().push_back(bind_udp(spec.address));
      bound = local_address(sockets_.back().front().get());
    } else {
      sockets_.push_back(open_group(spec, pool_.size(), bound));
    }
    bound_.push_back(bound);
  }
}

void Scaffold::make_workers() {
  slots_.reserve(pool_.size());  // the loops hold references to the slots
  for (size_t i = 0; i < pool_.size(); ++i) {
    WorkerSlot& slot = slots_.emplace_back();
    slot.worker = spec_.make_worker(pool_.loop(i), i);
    ServiceWorker* worker = slot.worker.get();
    for (size_t l = 0; l < spec_.listeners.size(); ++l) {
      if (spec_.listeners[l].datagram) {
        if (i == 0) worker->adopt_datagram_socket(l, std::move(sockets_[l][0]));
        continue;
      }
      UniqueFd socket = worker->adopt_listener(l, std::move(sockets_[l][i]));
      if (!socket) continue;  // the worker accepts by itself
      slot.acceptors.push_back(std::make_unique<Acceptor>(
          pool_.loop(i), std::move(socket),
          [worker, l](UniqueFd fd, const SocketAddress& peer) { worker->on_accept(l, std::move(fd), peer); }));
    }
    pool_.loop(i).run_in_loop([&slot] {
      for (auto& acceptor : slot.acceptors) acceptor->start();
      slot.worker->start();
    });
  }
}

int Scaffold::run() {
  SignalWatcher stop_signals(main_loop_, {SIGINT, SIGTERM, SIGQUIT}, [this](int signal) { on_signal(signal); });
  // Caught by every server: logrotate's `kill -HUP $(pidof muxd)` reaches
  // them all, and must not kill the ones without a log file.
  SignalWatcher reopen_signals(main_loop_, {SIGHUP, SIGUSR1}, [this](int signal) {
    if (!spec_.reopen_logs) return log_info("muxd {}: signal {}, no log files to reopen", spec_.service, signal);
    log_info("muxd {}: signal {}, reopening log files", spec_.service, signal);
    spec_.reopen_logs();
  });
  pool_.start();
  for (size_t l = 0; l < bound_.size(); ++l) {
    std::string line = "muxd " + spec_.service + " listening on " + bound_[l].to_string();
    if (bound_.size() > 1 && !spec_.listeners[l].tag.empty()) line += " (" + spec_.listeners[l].tag + ")";
    write_stderr(line + "\n");
  }
  if (spec_.on_ready) spec_.on_ready(bound_);
  main_loop_.run();
  pool_.stop();
  slots_.clear();  // closes what is left; services flush logs and discard unfinished work here
  return 0;
}

void Scaffold::on_signal(int signal) {
  if (stopping_) {
    log_warn("muxd {}: signal {} again, stopping now", spec_.service, signal);
    return stop_now();
  }
  stopping_ = true;
  log_info("muxd {}: signal {}, finishing work in flight (up to {} ms)", spec_.service, signal,
           spec_.drain_timeout.count());
  for (auto& slot : slots_) slot.worker->interrupt(false);
  for (size_t i = 0; i < pool_.size(); ++i) pool_.loop(i).run_in_loop([this, i] { drain_worker(i); });
  main_loop_.run_after(spec_.drain_timeout, [this] { stop_now(); });
}

void Scaffold::stop_now() {
  for (auto& slot : slots_) slot.worker->interrupt(true);
  main_loop_.quit();
}

// On worker i's loop: stop accepting, let the service finish, report back.
void Scaffold::drain_worker(size_t index) {
  WorkerSlot& slot = slots_[index];
  for (auto& acceptor : slot.acceptors) acceptor->stop();
  slot.worker->drain([this] {
    main_loop_.run_in_loop([this] {
      if (++drained_ == pool_.size()) main_loop_.quit();
    });
  });
}

}  // namespace

uint64_t raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised{limit.rlim_max, limit.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur;
}

void block_server_signals() { block_signals({SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGUSR1}); }

// Binding once without SO_REUSEPORT fails when any socket holds the address,
// whether or not it set SO_REUSEPORT: so a second muxd (or anything else) on
// the same port is an error, never a silent share of the traffic.
// (A bind without listen: no connection can land on the probe.)
void check_address_free(const SocketAddress& address, bool datagram) {
  if (address.port() == 0) return;
  int type = datagram ? SOCK_DGRAM : SOCK_STREAM;
  UniqueFd probe(::socket(address.family(), type | SOCK_CLOEXEC, 0));
  int one = 1;
  // TCP: TIME_WAIT leftovers are no owner. (UDP has none, and there
  // SO_REUSEADDR would share a port with a socket that set it too.)
  if (!datagram) ::setsockopt(probe.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (address.family() == AF_INET6) ::setsockopt(probe.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (probe && ::bind(probe.get(), address.get(), address.length()) != 0)
    throw std::system_error(errno, std::generic_category(), address.to_string());
}

int run_server(const ServerSpec& spec) {
  block_server_signals();
  raise_descriptor_limit();
  Scaffold scaffold(spec);
  try {
    scaffold.open_listeners();
    scaffold.make_workers();
  } catch (const std::exception& error) {
    log_error("muxd {}: {}", spec.service, error.what());
    return 1;
  }
  return scaffold.run();
}

}  // namespace muxd
