// `muxd tickets` (the ticket office) and `muxd tickets-client`.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "tickets/tickets_client.h"
#include "tickets/tickets_server.h"

namespace muxd {
namespace {

struct ServerFlags {
  std::string listen = "127.0.0.1:5002";  // the course's port
  std::string db = tickets::kDefaultDb;
  int64_t tickets = tickets::kDefaultTickets;
  size_t workers = 1;
  size_t db_threads = 0;
  size_t db_queue = 1024;
  size_t attempts = 4;
  double lock_timeout = 1;
  size_t max_connections = 10'000;
  double linger_timeout = 5, shutdown_timeout = 10;
};

int run_tickets(const ServerFlags& flags, bool tickets_given) {
  tickets::TicketsConfig config;
  auto listen = parse_listen_flag("tickets", flags.listen);
  if (!listen) return kExitUsage;
  config.listen = *listen;
  config.db = flags.db;
  if (tickets_given) config.tickets = flags.tickets;
  config.workers = flags.workers;
  config.db_threads = flags.db_threads;
  config.db_queue = flags.db_queue;
  config.stock.attempts = static_cast<int>(flags.attempts);
  config.stock.lock_timeout = seconds_flag(flags.lock_timeout);
  config.max_connections = flags.max_connections;
  config.linger_timeout = seconds_flag(flags.linger_timeout);
  config.shutdown_timeout = seconds_flag(flags.shutdown_timeout);
  return tickets::run_server(config);
}

void register_server(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<ServerFlags>();
  CLI::App* command = app.add_subcommand(
      "tickets", "Ticket office (TCP, the course's 模拟购票): each connection buys one ticket, answered <remaining><bought>");
  command->add_option("--listen", flags->listen, "Address to listen on: HOST:PORT or [V6]:PORT, port 0 picks one")
      ->capture_default_str();
  command->add_option("--db", flags->db,
                      "SQLite file (created if missing; relative to the working directory) or postgresql://... URL")
      ->capture_default_str();
  CLI::Option* tickets = command->add_option(
      "--tickets", flags->tickets,
      "Stock of a NEW database; an existing one keeps its state (a different --tickets is refused)")
      ->capture_default_str()->check(count_check(0));
  command->add_option("--workers", flags->workers, "Worker threads, one epoll loop each")
      ->capture_default_str()->check(count_check(1, 256));
  command->add_option("--db-threads", flags->db_threads,
                      "Database connections, one thread each (0: 1 for SQLite, 4 for PostgreSQL)")
      ->capture_default_str()->check(count_check(0, 256));
  command->add_option("--db-queue", flags->db_queue, "Sales waiting for a database thread; more are refused (busy)")
      ->capture_default_str()->check(count_check(1));
  command->add_option("--lock-timeout", flags->lock_timeout,
                      "Seconds one attempt waits for the database's lock (SQLite busy_timeout, PostgreSQL lock_timeout)")
      ->capture_default_str()->check(seconds_check());
  command->add_option("--attempts", flags->attempts,
                      "Attempts at a sale while the database is busy or a transaction must be retried; then busy")
      ->capture_default_str()->check(count_check(1, 100));
  command->add_option("--max-connections", flags->max_connections,
                      "Connections per worker; more are closed at once (0: no limit)")
      ->capture_default_str()->check(count_check(0));
  command->add_option("--linger-timeout", flags->linger_timeout,
                      "Seconds a client may keep the connection open after its answer")
      ->capture_default_str()->check(seconds_check());
  command->add_option("--shutdown-timeout", flags->shutdown_timeout,
                      "Seconds to let sales in flight be answered after SIGINT/SIGTERM")
      ->capture_default_str()->check(seconds_check(0));
  command->callback([flags, tickets, &run] {
    bool given = tickets->count() > 0;
    run = [flags, given] { return run_tickets(*flags, given); };
  });
}

struct ClientFlags {
  std::vector<std::string> servers{"127.0.0.1:5002"};
  size_t buyers = 0, concurrency = 32;
  double timeout = 10;
};

void register_client(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<ClientFlags>();
  CLI::App* command = app.add_subcommand(
      "tickets-client", "The course's ticket client (现在还剩下N张票...); --buyers N: a checked crowd of buyers");
  command->add_option("server", flags->servers,
                      "HOST[:PORT] of muxd tickets (port 5002 by default); a crowd takes turns among several")
      ->capture_default_str();
  command->add_option("--buyers", flags->buyers, "Buyers, one connection each (0: the course's client, once)")
      ->capture_default_str()->check(count_check(0));
  command->add_option("--concurrency", flags->concurrency, "Buyers at a time (threads)")
      ->capture_default_str()->check(count_check(1, 1024));
  command->add_option("--timeout", flags->timeout, "Seconds a buyer waits to connect and for its answer")
      ->capture_default_str()->check(seconds_check());
  command->callback([flags, &run] {
    run = [flags] {
      tickets::ClientConfig config;
      config.servers = flags->servers;
      config.buyers = flags->buyers;
      config.concurrency = flags->concurrency;
      config.timeout = seconds_flag(flags->timeout);
      return tickets::run_client(config);
    };
  });
}

}  // namespace

void register_tickets_commands(CLI::App& app, CommandRun& run) {
  register_server(app, run);
  register_client(app, run);
}

}  // namespace muxd
