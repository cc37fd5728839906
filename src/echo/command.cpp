// `muxd echo`: the timestamp echo server's command line.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/commands.h"
#include "core/worker_pool.h"
#include "echo/echo_server.h"

namespace muxd {
namespace {

struct EchoFlags {
  std::string listen = "127.0.0.1:13001";
  size_t workers = WorkerPool::default_count();
  size_t max_connections = 10'000;
  size_t max_message_bytes = 8192;
  double pause = 0.2, idle_timeout = 300, shutdown_timeout = 10;
};

int run_echo(const EchoFlags& flags) {
  echo::EchoConfig config;
  auto listen = parse_listen_flag("echo", flags.listen);
  if (!listen) return kExitUsage;
  config.listen = *listen;
  config.workers = flags.workers;
  config.max_connections = flags.max_connections;
  config.max_message_bytes = flags.max_message_bytes;
  config.pause = seconds_flag(flags.pause);
  config.idle_timeout = seconds_flag(flags.idle_timeout);
  config.shutdown_timeout = seconds_flag(flags.shutdown_timeout);
  return echo::run_server(config);
}

}  // namespace

void register_echo_command(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<EchoFlags>();
  CLI::App* echo = app.add_subcommand("echo", "Timestamp echo server (TCP): each message comes back as [ctime()]: message");
  echo->add_option("--listen", flags->listen, "Address to listen on: HOST:PORT or [V6]:PORT, port 0 picks one")
      ->capture_default_str();
  echo->add_option("--workers", flags->workers, "Worker threads, one epoll loop each (default: online CPUs)")
      ->check(count_check(1, 256));
  echo->add_option("--max-connections", flags->max_connections,
                   "Connections per worker; more are closed at once (0: no limit)")
      ->capture_default_str()->check(count_check(0));
  echo->add_option("--max-message-bytes", flags->max_message_bytes,
                   "Longest message, newline included; a longer one closes the connection")
      ->capture_default_str()->check(count_check(1, size_t{1} << 30));
  echo->add_option("--pause", flags->pause, "Seconds of silence that end a message sent without a newline")
      ->capture_default_str()->check(seconds_check());
  echo->add_option("--idle-timeout", flags->idle_timeout, "Seconds a connection may move no byte either way")
      ->capture_default_str()->check(seconds_check());
  echo->add_option("--shutdown-timeout", flags->shutdown_timeout,
                   "Seconds to let replies in flight go out after SIGINT/SIGTERM")
      ->capture_default_str()->check(seconds_check(0));
  echo->callback([flags, &run] { run = [flags] { return run_echo(*flags); }; });
}

}  // namespace muxd
