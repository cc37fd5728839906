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
class Validator;
}

namespace muxd {

using CommandRun = std::function<int()>;

void register_http_command(CLI::App& app, CommandRun& run);   // src/http/command.cpp
void register_ftp_commands(CLI::App& app, CommandRun& run);   // src/ftp/command.cpp
void register_chat_commands(CLI::App& app, CommandRun& run);  // src/chat/command.cpp
void register_echo_command(CLI::App& app, CommandRun& run);   // src/echo/command.cpp
void register_dict_commands(CLI::App& app, CommandRun& run);  // src/dict/command.cpp
void register_bench_command(CLI::App& app, CommandRun& run);  // src/loadgen/command.cpp
void register_c10k_command(CLI::App& app, CommandRun& run);   // src/c10k/command.cpp

// Flag helpers every service shares (src/cli/flags.cpp).
// A --listen value; on error prints "muxd SERVICE: --listen VALUE: why" and returns nullopt.
std::optional<SocketAddress> parse_listen_flag(std::string_view service, const std::string& value);
// Seconds as given on the command line (fractions allowed) to milliseconds.
std::chrono::milliseconds seconds_flag(double seconds);
// The check for every flag in seconds: a number from `min` to a week, with a
// one-line error ("--idle-timeout: -1 is not a number of seconds from 0.001 to 604800").
CLI::Validator seconds_check(double min = 0.001);
// The check for a directory to serve: names the real cause ("permission
// denied", "does not exist", "is not a directory").
CLI::Validator directory_check();
// The check for a positive rate or count given as a number (at most 1e6).
CLI::Validator positive_check();

// main(): exit statuses, the same for every subcommand. 0 success; 1 the
// service failed at run time (cannot bind, unreadable root...); 2 the command
// line is wrong (unknown subcommand or flag, bad value).
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

}  // namespace muxd
