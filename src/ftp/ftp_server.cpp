#include "ftp/ftp_server.h"

#include <unistd.h>

#include <csignal>
#include <memory>
#include <vector>

#include "core/log.h"
#include "core/signals.h"
#include "core/socket.h"
#include "core/worker_pool.h"
#include "ftp/ftp_worker.h"
#include "ftp/user_table.h"

namespace muxd::ftp {
namespace {

// One listener per worker on the same port (SO_REUSEPORT); with port 0 the
// first socket picks the port and the others join it.
std::vector<UniqueFd> open_listeners(const FtpConfig& config, SocketAddress& bound) {
  std::vector<UniqueFd> listeners;
  listeners.push_back(listen_tcp(config.listen, 1024, true));
  bound = local_address(listeners.front().get());
  for (size_t i = 1; i < config.workers; ++i) listeners.push_back(listen_tcp(bound, 1024, true));
  return listeners;
}

// What every worker shares, read-only once the workers run (except the
// limits and the passive port counter, which are thread-safe).
struct Shared {
  std::unique_ptr<RootDirectory> root;
  UserTable users;
  SessionConfig session;
  std::unique_ptr<ClientLimits> limits;
  std::unique_ptr<PassivePorts> ports;
};

void prepare(const FtpConfig& config, Shared& shared) {
  shared.root = std::make_unique<RootDirectory>(config.root);
  if (!config.users_file.empty()) shared.users = UserTable::load(config.users_file);
  shared.session.root = shared.root.get();
  shared.session.users = config.users_file.empty() ? nullptr : &shared.users;
  shared.session.allow_anonymous = config.allow_anonymous;
  shared.session.read_only = config.read_only;
  shared.limits = std::make_unique<ClientLimits>(config.max_clients, config.max_per_ip);
  shared.ports = std::make_unique<PassivePorts>(config.passive_low, config.passive_high);
}

void announce(const SocketAddress& bound) {
  std::string line = "muxd ftp listening on " + bound.to_string() + "\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace

int run_server(const FtpConfig& config) {
  block_signals({SIGINT, SIGTERM});
  Shared shared;
  std::vector<UniqueFd> listeners;
  SocketAddress bound;
  try {
    prepare(config, shared);
    listeners = open_listeners(config, bound);
  } catch (const std::exception& error) {
    log_error("muxd ftp: {}", error.what());
    return 1;
  }

  EventLoop main_loop;
  WorkerPool pool(config.workers);
  std::vector<std::unique_ptr<FtpWorker>> workers;
  for (size_t i = 0; i < pool.size(); ++i) {
    workers.push_back(std::make_unique<FtpWorker>(pool.loop(i), config, shared.session, *shared.limits,
                                                  *shared.ports, std::move(listeners[i])));
    FtpWorker* worker = workers.back().get();
    pool.loop(i).run_in_loop([worker] { worker->start(); });
  }
  SignalWatcher signals(main_loop, {SIGINT, SIGTERM}, [&](int signal) {
    log_info("muxd ftp: signal {}, stopping", signal);
    main_loop.quit();
  });

  pool.start();
  announce(bound);
  main_loop.run();
  pool.stop();
  workers.clear();  // closes every connection; unfinished uploads are removed
  return 0;
}

}  // namespace muxd::ftp
