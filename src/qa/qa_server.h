#pragma once
// `muxd qa`: what it can be told on its command line, and how it runs.
#include <chrono>
#include <cstddef>

#include "core/address.h"
#include "qa/answers.h"

namespace muxd::qa {

struct QaConfig {
  SocketAddress listen;                                // 127.0.0.1:8888 by default, the course's port (TCP)
  Answers answers = Answers::course();                 // shared, read-only, by every worker
  size_t workers = 1;                                  // one epoll loop and one SO_REUSEPORT listener each
  size_t max_connections = 10'000;                     // per worker; more are closed at once (0: no limit)
  size_t max_per_ip = 32;                              // at once from one IP, all workers (0: no limit)
  size_t max_question_bytes = 4096;                    // line end included; a longer question closes
  std::chrono::milliseconds pause{200};                // silence that ends a question without a newline
  std::chrono::milliseconds idle_timeout{60'000};      // no byte moved either way: close
  std::chrono::milliseconds shutdown_timeout{10'000};  // after SIGINT/SIGTERM, to send what is queued
};

// Serves until SIGINT/SIGTERM, then stops gracefully; returns the exit status.
int run_server(const QaConfig& config);

}  // namespace muxd::qa
