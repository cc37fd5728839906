// muxd: one binary, a subcommand per service.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

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

  CLI11_PARSE(app, argc, argv);
  return run ? run() : 0;
}
