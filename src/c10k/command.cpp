// `muxd c10k`: the C10K lab's command line.
#include <CLI/CLI.hpp>
#include <sys/utsname.h>
#include <unistd.h>

#include <fmt/core.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "c10k/lab.h"
#include "c10k/report.h"
#include "cli/commands.h"
#include "http/models/model.h"

namespace muxd {
namespace {

struct C10kFlags {
  std::vector<std::string> models;
  std::vector<int> concurrency{1, 10, 100, 1000, 10000};
  double duration = 5;
  double timeout = 1;  // below the duration: a client the server never answers counts as a timeout
  std::string out = "c10k";
  size_t file_bytes = 1024;
};

// Written beside the target and renamed over it: a killed lab never leaves a
// half-written report where a browser would load it.
void write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  std::ofstream(temporary, std::ios::binary | std::ios::trunc) << text;
  std::filesystem::rename(temporary, path);
}

std::string machine_description() {
  utsname name{};
  ::uname(&name);
  std::string cpu;
  std::ifstream info("/proc/cpuinfo");
  for (std::string line; std::getline(info, line);)
    if (line.rfind("model name", 0) == 0) {
      cpu = line.substr(line.find(':') + 2);
      break;
    }
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
  return fmt::format("Measured on {}: {} CPUs ({}), Linux {}; server pinned to CPU 0, load generator to CPU 1.",
                     date, std::thread::hardware_concurrency(), cpu.empty() ? "unknown" : cpu, name.release);
}

int run_c10k(const C10kFlags& flags) {
  c10k::LabConfig config;
  for (const http::ModelInfo& model : http::models()) config.models.emplace_back(model.name);
  if (!flags.models.empty()) config.models = flags.models;
  config.concurrency = flags.concurrency;
  config.duration_s = flags.duration;
  config.timeout_s = flags.timeout;
  config.out_dir = flags.out;
  config.body_bytes = flags.file_bytes;
  config.muxd = std::filesystem::read_symlink("/proc/self/exe").string();
  if (std::thread::hardware_concurrency() < 2) config.server_cpu = config.client_cpu = -1;
  std::error_code error;
  std::filesystem::create_directories(config.out_dir, error);
  if (error) {
    fmt::print(stderr, "muxd c10k: {}: {}\n", config.out_dir, error.message());
    return kExitFailure;
  }
  auto rows = c10k::run_lab(config, [](const std::string& line) { fmt::print(stderr, "{}\n", line); });
  std::filesystem::path out(config.out_dir);
  write_file(out / "results.csv", c10k::results_csv(rows));
  write_file(out / "c10k.svg", c10k::chart_svg(rows, config));
  write_file(out / "index.html", c10k::report_html(rows, config, machine_description()));
  fmt::print(stderr, "muxd c10k: wrote {}/index.html, c10k.svg, results.csv\n", config.out_dir);
  return 0;
}

}  // namespace

void register_c10k_command(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<C10kFlags>();
  CLI::App* lab = app.add_subcommand("c10k", "The C10K lab: every --model of muxd http under growing concurrency, charted");
  std::vector<std::string> names;
  for (const http::ModelInfo& model : http::models()) names.emplace_back(model.name);
  lab->add_option("--models", flags->models, "Models to measure, comma-separated (default: all)")
      ->delimiter(',')
      ->check(CLI::IsMember(names));
  lab->add_option("--concurrency", flags->concurrency, "Connection counts, comma-separated")
      ->delimiter(',')
      ->capture_default_str()
      ->check(count_check(1, 100000));
  lab->add_option("--duration", flags->duration, "Seconds of load per run")->capture_default_str()->check(seconds_check(0.1));
  lab->add_option("--timeout", flags->timeout, "Seconds before the load generator counts a request as timed out")
      ->capture_default_str()
      ->check(seconds_check(0.1));
  lab->add_option("--out", flags->out, "Directory for results.csv, c10k.svg and index.html")->capture_default_str();
  lab->add_option("--file-bytes", flags->file_bytes, "Size of the file every request fetches")
      ->capture_default_str()
      ->check(count_check(0, size_t{1} << 30));
  lab->callback([flags, &run] { run = [flags] { return run_c10k(*flags); }; });
}

}  // namespace muxd
