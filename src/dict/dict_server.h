#pragma once
// `muxd dict`: what it can be told on its command line, and how it runs.
#include <chrono>
#include <cstddef>
#include <string>

#include "core/address.h"
#include "dict/session.h"

namespace muxd::dict {

struct DictConfig {
  std::string db;                                      // SQLite path or postgresql:// URL
  SocketAddress udp_listen;                            // 127.0.0.1:8888, the course's
  SocketAddress dict_listen;                           // 127.0.0.1:2628, DICT's (RFC 2229 §1)
  size_t workers = 1;                                  // epoll loops for DICT connections (UDP: the first)
  size_t db_threads = 4;                               // the pool, one read-only connection each
  size_t db_queue = 4096;                              // queries waiting for a pool thread; more are refused
  size_t max_connections = 10'000;                     // per worker
  size_t max_sessions_per_ip = 16;                     // across workers (0: no limit)
  size_t udp_answer_bytes = 1024;                      // the course's client reads 1,024
  double udp_rate = 200;                               // datagrams per second per source IP (0: no limit)
  SessionLimits limits;
  std::chrono::milliseconds idle_timeout{300'000};
  std::chrono::milliseconds shutdown_timeout{10'000};
  std::chrono::milliseconds query_delay{0};            // tests only (a hidden flag): a slow database
};

// Serves until SIGINT/SIGTERM; returns the exit status (1 when the database cannot be opened).
int run_server(const DictConfig& config);

}  // namespace muxd::dict
