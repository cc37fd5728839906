#pragma once
// `muxd tickets`: what it can be told on its command line, and how it runs.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "core/address.h"
#include "tickets/stock.h"

namespace muxd::tickets {

inline constexpr const char* kDefaultDb = "muxd-tickets.db";  // in the working directory

struct TicketsConfig {
  std::string db = kDefaultDb;                         // SQLite path or postgresql:// URL
  std::optional<int64_t> tickets;                      // the stock of a new database (given: must match an old one)
  SocketAddress listen;                                // 127.0.0.1:5002 by default, the course's port
  size_t workers = 1;                                  // epoll loops
  size_t db_threads = 0;                               // 0: 1 for SQLite, 4 for PostgreSQL
  size_t db_queue = 1024;                              // sales waiting for a pool thread; more are refused
  StockOptions stock;                                  // lock timeout, attempts
  size_t max_connections = 10'000;                     // per worker
  std::chrono::milliseconds linger_timeout{5'000};     // after the answer, for the client to close
  std::chrono::milliseconds shutdown_timeout{10'000};
};

// Serves until SIGINT/SIGTERM; returns the exit status (1 when the database
// cannot be opened, or --tickets disagrees with an existing stock).
int run_server(const TicketsConfig& config);

}  // namespace muxd::tickets
