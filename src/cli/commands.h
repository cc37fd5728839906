#pragma once
// Each service adds its subcommands here. A subcommand's callback stores in
// `run` what to do once parsing succeeded; main() then calls it and exits with
// its return value.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/address.h"

namespace CLI {
class App;
}

namespace muxd {

using CommandRun = std::function<int()>;

void register_http_command(CLI::App& app, CommandRun& run);   // src/http/command.cpp
void register_ftp_commands(CLI::App& app, CommandRun& run);   // src/ftp/command.cpp
void register_chat_commands(CLI::App& app, CommandRun& run);  // src/chat/command.cpp
void register_echo_command(CLI::App& app, CommandRun& run);   // src/echo/command.cpp

// Flag helpers every service shares (src/cli/flags.cpp).
// A --listen value; on error prints "muxd SERVICE: --listen VALUE: why" and returns nullopt.
std::optional<SocketAddress> parse_listen_flag(std::string_view service, const std::string& value);
// Seconds as given on the command line (fractions allowed) to milliseconds.
std::chrono::milliseconds seconds_flag(double seconds);

}  // namespace muxd
