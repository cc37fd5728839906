// muxd: one binary, a subcommand per service. Exit statuses are the same for
// every subcommand: 0 success, 1 runtime failure, 2 usage error (commands.h).
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "muxd htp": names the nearest subcommand instead of CLI11's generic error.
bool refuse_unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return false;
  std::string given = argv[1];
  std::string best;
  size_t best_distance = 3;  // more than two edits away is no suggestion
  for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (command->get_name() == given) return false;
    size_t distance = edit_distance(given, command->get_name());
    if (distance < best_distance) best_distance = distance, best = command->get_name();
  }
  fmt::print(stderr, "muxd: unknown command '{}'", given);
  if (!best.empty()) fmt::print(stderr, "; did you mean '{}'?", best);
  fmt::print(stderr, "\nRun muxd --help for the list of commands.\n");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"muxd: concurrent network servers on one machine"};
  app.set_version_flag("--version", "muxd " MUXD_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);

  muxd::CommandRun run;
  muxd::register_http_command(app, run);
  muxd::register_ftp_commands(app, run);
  muxd::register_chat_commands(app, run);
  muxd::register_echo_command(app, run);
  muxd::register_dict_commands(app, run);
  muxd::register_tickets_commands(app, run);
  muxd::register_bench_command(app, run);
  muxd::register_c10k_command(app, run);
  muxd::register_qa_commands(app, run);

  if (refuse_unknown_subcommand(app, argc, argv)) return muxd::kExitUsage;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int status = app.exit(error);  // prints the message (or the help text: status 0)
    return status == 0 ? 0 : muxd::kExitUsage;
  }
  return run ? run() : 0;
}
