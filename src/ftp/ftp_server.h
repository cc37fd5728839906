#pragma once
#include "ftp/ftp_config.h"

namespace muxd::ftp {

// Serves until SIGINT/SIGTERM; returns the exit status. Unfinished uploads
// are discarded on the way out.
int run_server(const FtpConfig& config);

}  // namespace muxd::ftp
