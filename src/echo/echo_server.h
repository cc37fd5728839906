#pragma once
// `muxd echo`: what it can be told on its command line, and how it runs.
#include <chrono>
#include <cstddef>

#include "core/address.h"

namespace muxd::echo {

struct EchoConfig {
  SocketAddress listen;                                // 127.0.0.1:13001 by default, the course's port
  size_t workers = 1;                                  // one epoll loop and one SO_REUSEPORT listener each
  size_t max_connections = 10'000;                     // per worker; more are closed at once (0: no limit)
  size_t max_message_bytes = 8192;                     // newline included; a longer message closes
  std::chrono::milliseconds pause{200};                // silence that ends a message without a newline
  std::chrono::milliseconds idle_timeout{300'000};     // no byte moved either way: close
  std::chrono::milliseconds shutdown_timeout{10'000};  // after SIGINT/SIGTERM, to send what is queued
};

// Serves until SIGINT/SIGTERM, then stops gracefully; returns the exit status.
int run_server(const EchoConfig& config);

}  // namespace muxd::echo
