#include "ftp/ftp_server.h"

#include <cstring>
#include <memory>

#include "core/log.h"
#include "core/log_file.h"
#include "core/server.h"
#include "ftp/ftp_worker.h"
#include "ftp/user_table.h"

namespace muxd::ftp {
namespace {

// What every worker shares, read-only once the workers run (except the
// limits and the passive port counter, which are thread-safe, and the log
// file, which each worker writes whole lines to).
struct Shared {
  std::unique_ptr<RootDirectory> root;
  UserTable users;
  SessionConfig session;
  std::unique_ptr<ClientLimits> limits;
  std::unique_ptr<PassivePorts> ports;
  std::unique_ptr<LogFile> log;
};

void prepare(const FtpConfig& config, Shared& shared) {
  shared.root = std::make_unique<RootDirectory>(config.root);
  if (!config.users_file.empty()) shared.users = UserTable::load(config.users_file);
  shared.log = std::make_unique<LogFile>(config.log);
  shared.session.root = shared.root.get();
  shared.session.users = config.users_file.empty() ? nullptr : &shared.users;
  shared.session.allow_anonymous = config.allow_anonymous;
  shared.session.anonymous_write = config.anonymous_write;
  shared.session.read_only = config.read_only;
  shared.session.allow_dotfiles = config.allow_dotfiles;
  shared.session.log_events = shared.log->enabled();
  shared.limits = std::make_unique<ClientLimits>(config.max_clients, config.max_per_ip);
  shared.ports = std::make_unique<PassivePorts>(config.passive_low, config.passive_high);
}

// The start-up line after the ready line: what anonymous users may do.
std::string anonymous_mode(const FtpConfig& config) {
  if (!config.allow_anonymous) return "anonymous logins are refused (--no-anonymous)";
  if (config.read_only) return "read-only for everyone, anonymous users included (--read-only)";
  if (config.anonymous_write) return "anonymous users may upload, create and delete (--anonymous-write)";
  return "anonymous users are read-only (--anonymous-write to allow uploads)";
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
    return std::make_unique<FtpWorker>(loop, config, shared.session, *shared.limits, *shared.ports,
                                       shared.log->fd());
  };
  spec.on_ready = [&](const std::vector<SocketAddress>&) { log_info("muxd ftp: {}", anonymous_mode(config)); };
  spec.reopen_logs = [&] {
    if (int error = shared.log->reopen()) {
      log_error("muxd ftp: cannot reopen {}: {}", config.log, std::strerror(error));
    }
  };
  return run_server(spec);
}

}  // namespace muxd::ftp
