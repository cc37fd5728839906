#pragma once
#include "http/http_config.h"

namespace muxd::http {

// Serves until SIGINT/SIGTERM, then stops gracefully; returns the exit status.
int run_server(const HttpConfig& config);

// The bundled site: www/ beside the binary (or one level up, for build/muxd),
// else the source tree's. Empty if none exists.
std::string bundled_site_root();

}  // namespace muxd::http
