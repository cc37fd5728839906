#pragma once
// Each service adds its subcommands here. A subcommand's callback stores in
// `run` what to do once parsing succeeded; main() then calls it and exits with
// its return value.
#include <chrono>
#include <cstdint>
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
void register_tickets_commands(CLI::App& app, CommandRun& run);  // src/tickets/command.cpp
void register_bench_command(CLI::App& app, CommandRun& run);  // src/loadgen/command.cpp
void register_c10k_command(CLI::App& app, CommandRun& run);   // src/c10k/command.cpp
void register_qa_commands(CLI::App& app, CommandRun& run);    // src/qa/command.cpp

// Flag helpers every service shares (src/cli/flags.cpp).
// A --listen value; on error prints "muxd SERVICE: --listen VALUE: why" and returns nullopt.
std::optional<SocketAddress> parse_listen_flag(std::string_view service, const std::string& value);
// Seconds as given on the command line (fractions allowed) to milliseconds.
std::chrono::milliseconds seconds_flag(double seconds);
// The check for every flag in seconds: a number from `min` to a week, with a
// one-line error ("--idle-timeout: -1 is not a number of seconds from 0.001 to 604800").
CLI::Validator seconds_check(double min = 0.001);
// The check for a directory to serve: refuses a path that does not exist or
// is not a directory, naming the cause. A root this user cannot reach or read
// passes: the service fails to open it at run time, saying "Permission denied"
// (exit status 1, docs/running.md, "Exit status").
CLI::Validator directory_check();
// The check for a positive rate or count given as a number (at most 1e6).
CLI::Validator positive_check();
// The check for every count (connections, clients, bytes, threads): a whole
// decimal number from `min` to `max`, digits only ("-1", "1e3", "0x10" are
// refused, never wrapped or read as hex/octal). Counts where 0 means "no
// limit" go up to kMaxCount. One-line error:
// "--max-connections: -1 is not a whole number from 0 to 1000000000".
inline constexpr uint64_t kMaxCount = 1'000'000'000;
CLI::Validator count_check(uint64_t min, uint64_t max = kMaxCount);
// The check for a rate or burst given as a number, fractions allowed: from
// `min` to `max`, finite (CLI::Range lets NaN through: it compares false).
CLI::Validator number_check(double min, double max);

// main(): exit statuses, the same for every subcommand. 0 success; 1 the
// service failed at run time (cannot bind, unreadable root...); 2 the command
// line is wrong (unknown subcommand or flag, bad value).
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

}  // namespace muxd
