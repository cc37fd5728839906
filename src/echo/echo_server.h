#pragma once
#include "echo/echo_config.h"

namespace muxd::echo {

// Serves until SIGINT/SIGTERM, then stops gracefully; returns the exit status.
int run_server(const EchoConfig& config);

}  // namespace muxd::echo
