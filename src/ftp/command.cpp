// Placeholder until the ftp service lands: registers no subcommand yet.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace muxd {

void register_ftp_commands(CLI::App& /*app*/, CommandRun& /*run*/) {}

}  // namespace muxd
