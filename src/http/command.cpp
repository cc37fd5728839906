// Placeholder until the http service lands: registers no subcommand yet.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace muxd {

void register_http_command(CLI::App& /*app*/, CommandRun& /*run*/) {}

}  // namespace muxd
