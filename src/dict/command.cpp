// `muxd dict-import` (the data, below) and, from the server's side,
// `muxd dict` and `muxd dict-client`: each command in its own function.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "dict/import.h"
#include "dict/store.h"

namespace muxd {
namespace {

struct ImportFlags {
  std::string db;
  std::vector<std::string> sources;
};

int run_import(const ImportFlags& flags) {
  try {
    auto imported = dict::import_sources(flags.db, flags.sources, true);
    for (const auto& db : imported)
      fmt::print(stderr, "muxd dict-import: {}: {} words ({})\n", db.name, db.words, db.description);
    return 0;
  } catch (const std::exception& error) {
    fmt::print(stderr, "muxd dict-import: {}\n", error.what());
    return kExitFailure;
  }
}

void register_import_command(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* command = app.add_subcommand(
      "dict-import", "Import dictionaries (NAME.tsv, or dictd's NAME.index with NAME.dict[.dz]) into a words table");
  command->add_option("--db", flags->db, "SQLite file (created if missing) or postgresql://... URL")->required();
  command->add_option("sources", flags->sources, "NAME.tsv (word<TAB>meaning lines) or NAME.index; NAME replaces the database of that name")
      ->required();
  command->callback([flags, &run] { run = [flags] { return run_import(*flags); }; });
}

}  // namespace

void register_dict_commands(CLI::App& app, CommandRun& run) {
  register_import_command(app, run);
}

}  // namespace muxd
