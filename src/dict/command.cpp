// `muxd dict-import` (the data, below) and, from the server's side,
// `muxd dict` and `muxd dict-client`: each command in its own function.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/server.h"
#include "core/worker_pool.h"
#include "dict/default_data.h"
#include "dict/dict_client.h"
#include "dict/dict_server.h"
#include "dict/import.h"
#include "dict/store.h"

namespace muxd {
namespace {

struct ImportFlags {
  std::string db;
  std::vector<std::string> sources;
};

int run_import(const ImportFlags& flags) {
  try {
    auto imported = dict::import_sources(flags.db, flags.sources, true);
    for (const auto& db : imported)
      fmt::print(stderr, "muxd dict-import: {}: {} words ({})\n", db.name, db.words, db.description);
    return 0;
  } catch (const std::exception& error) {
    fmt::print(stderr, "muxd dict-import: {}\n", error.what());
    return kExitFailure;
  }
}

void register_import_command(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* command = app.add_subcommand(
      "dict-import", "Import dictionaries (NAME.tsv, or dictd's NAME.index with NAME.dict[.dz]) into a words table");
  command->add_option("--db", flags->db, "SQLite file (created if missing) or postgresql://... URL")->required();
  command->add_option("sources", flags->sources, "NAME.tsv (word<TAB>meaning lines) or NAME.index; NAME replaces the database of that name")
      ->required();
  command->callback([flags, &run] { run = [flags] { return run_import(*flags); }; });
}


// ---- muxd dict (the server) -------------------------------------------------

struct ServerFlags {
  std::string db;
  std::string listen = "127.0.0.1:8888";  // the course's port (004 §1.2)
  std::string dict_listen = "127.0.0.1:2628";
  size_t workers = 1;
  size_t db_threads = std::max<size_t>(2, WorkerPool::default_count());
  size_t db_queue = 4096;
  size_t max_connections = 10'000;
  size_t max_sessions_per_ip = 16;
  size_t udp_answer_bytes = 1024;
  double udp_rate = 200;
  double idle_timeout = 300, shutdown_timeout = 10;
  double query_delay = 0;
};

int run_dict_server(const ServerFlags& flags) {
  dict::DictConfig config;
  auto udp = parse_listen_flag("dict", flags.listen);
  if (!udp) return kExitUsage;
  std::string error;
  auto tcp = SocketAddress::parse(flags.dict_listen, &error);
  if (!tcp) {
    fmt::print(stderr, "muxd dict: --dict-listen {}: {}\n", flags.dict_listen, error);
    return kExitUsage;
  }
  config.udp_listen = *udp;
  config.dict_listen = *tcp;
  try {  // before the first import, which takes a while: a busy port fails at once
    check_address_free(*udp, true);
    check_address_free(*tcp);
  } catch (const std::exception& busy) {
    fmt::print(stderr, "muxd dict: {}\n", busy.what());
    return kExitFailure;
  }
  config.db = flags.db;
  if (config.db.empty()) {
    try {
      config.db = dict::ensure_default_database();
    } catch (const std::exception& failure) {
      fmt::print(stderr, "muxd dict: the default database: {}\n", failure.what());
      return kExitFailure;
    }
  }
  config.workers = flags.workers;
  config.db_threads = flags.db_threads;
  config.db_queue = flags.db_queue;
  config.max_connections = flags.max_connections;
  config.max_sessions_per_ip = flags.max_sessions_per_ip;
  config.udp_answer_bytes = flags.udp_answer_bytes;
  config.udp_rate = flags.udp_rate;
  config.idle_timeout = seconds_flag(flags.idle_timeout);
  config.shutdown_timeout = seconds_flag(flags.shutdown_timeout);
  config.query_delay = seconds_flag(flags.query_delay);
  return dict::run_server(config);
}

void register_server_command(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<ServerFlags>();
  CLI::App* command = app.add_subcommand(
      "dict", "Dictionary server: the course's word lookup over UDP, and RFC 2229 DICT over TCP");
  command->add_option("--db", flags->db,
                      "SQLite file or postgresql://... URL (default: WordNet and a Chinese-English table, "
                      "imported on first use)");
  command->add_option("--listen", flags->listen, "UDP address for the course's protocol: HOST:PORT, port 0 picks one")
      ->capture_default_str();
  command->add_option("--dict-listen", flags->dict_listen, "TCP address for DICT (RFC 2229)")->capture_default_str();
  command->add_option("--workers", flags->workers, "Event loops for DICT connections (UDP runs on the first)")
      ->capture_default_str()->check(count_check(1, 256));
  command->add_option("--db-threads", flags->db_threads, "Database threads, one read-only connection each")
      ->capture_default_str()->check(count_check(1, 256));
  command->add_option("--db-queue", flags->db_queue,
                      "Queries that may wait for a database thread; past it UDP requests are dropped and DICT "
                      "answers 420")
      ->capture_default_str()->check(count_check(1, size_t{1} << 20));
  command->add_option("--max-connections", flags->max_connections, "DICT connections per worker (0: no limit)")
      ->capture_default_str()->check(count_check(0));
  command->add_option("--max-sessions-per-ip", flags->max_sessions_per_ip,
                      "DICT connections at once from one IP address; more are answered 420 (0: no limit)")
      ->capture_default_str()->check(count_check(0));
  command->add_option("--udp-answer-bytes", flags->udp_answer_bytes,
                      "Largest UDP answer; a longer meaning is cut at a character boundary (the course's client "
                      "reads 1024)")
      ->capture_default_str()->check(count_check(16, 65507));
  command->add_option("--udp-rate", flags->udp_rate, "UDP requests per second from one IP address (0: no limit)")
      ->capture_default_str()->check(number_check(0, 1e6));
  command->add_option("--idle-timeout", flags->idle_timeout, "Seconds a DICT connection may move no byte")
      ->capture_default_str()->check(seconds_check());
  command->add_option("--shutdown-timeout", flags->shutdown_timeout,
                      "Seconds to let answers in flight go out after SIGINT/SIGTERM")
      ->capture_default_str()->check(seconds_check(0));
  command->add_option("--test-query-delay", flags->query_delay, "Seconds each query sleeps first (tests only)")
      ->check(seconds_check(0))->group("");  // hidden: makes the busy paths testable
  command->callback([flags, &run] { run = [flags] { return run_dict_server(*flags); }; });
}

// ---- muxd dict-client (the course's UDP client) -------------------------------

void register_client_command(CLI::App& app, CommandRun& run) {
  auto config = std::make_shared<dict::ClientConfig>();
  auto timeout = std::make_shared<double>(1.0);
  CLI::App* command = app.add_subcommand(
      "dict-client", "The course's dictionary client (UDP): prints 'word : meaning' for each word");
  command->add_option("server", config->server, "HOST[:PORT] of muxd dict (port 8888 by default)")->required();
  command->add_option("words", config->words, "Words to look up once each (none: read them from stdin)");
  command->add_option("--timeout", *timeout, "Seconds to wait for an answer before sending again")
      ->capture_default_str()->check(seconds_check());
  command->add_option("--tries", config->tries, "Sends per word before giving up on it")
      ->capture_default_str()->check(count_check(1, 100));
  command->callback([config, timeout, &run] {
    run = [config, timeout] {
      config->timeout = seconds_flag(*timeout);
      return dict::run_client(*config);
    };
  });
}

}  // namespace

void register_dict_commands(CLI::App& app, CommandRun& run) {
  register_import_command(app, run);
  register_server_command(app, run);
  register_client_command(app, run);
}

}  // namespace muxd
