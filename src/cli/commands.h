#pragma once
// Each service adds its subcommands here. A subcommand's callback stores in
// `run` what to do once parsing succeeded; main() then calls it and exits with
// its return value.
#include <functional>

namespace CLI {
class App;
}

namespace muxd {

using CommandRun = std::function<int()>;

void register_http_command(CLI::App& app, CommandRun& run);   // src/http/command.cpp
void register_ftp_commands(CLI::App& app, CommandRun& run);   // src/ftp/command.cpp
void register_chat_commands(CLI::App& app, CommandRun& run);  // src/chat/command.cpp

}  // namespace muxd
