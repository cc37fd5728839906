#include "ftp/ftp_server.h"

#include <memory>

#include "core/log.h"
#include "core/server.h"
#include "ftp/ftp_worker.h"
#include "ftp/user_table.h"

namespace muxd::ftp {
namespace {

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

}  // namespace

int run_server(const FtpConfig& config) {
  Shared shared;
  try {
    prepare(config, shared);
  } catch (const std::exception& error) {
    log_error("muxd ftp: {}", error.what());
    return 1;
  }
  ServerSpec spec;
  spec.service = "ftp";
  spec.workers = config.workers;
  spec.drain_timeout = std::chrono::milliseconds(0);  // clients reconnect; uploads in flight are discarded
  ListenerSpec& listener = spec.listeners.emplace_back();
  listener.address = config.listen;
  listener.backlog = 1024;
  spec.make_worker = [&](EventLoop& loop, size_t) {
    return std::make_unique<FtpWorker>(loop, config, shared.session, *shared.limits, *shared.ports);
  };
  return run_server(spec);
}

}  // namespace muxd::ftp
