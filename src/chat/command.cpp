// Placeholder until the chat service lands: registers no subcommand yet.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace muxd {

void register_chat_commands(CLI::App& /*app*/, CommandRun& /*run*/) {}

}  // namespace muxd
