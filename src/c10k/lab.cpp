#include "c10k/lab.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "c10k/process.h"

namespace muxd::c10k {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kStartTimeout = 10s;
constexpr auto kSampleEvery = 200ms;
constexpr uint64_t kSpareDescriptors = 64;  // listeners, logs, pipes: besides one per connection

// The served file: the same bytes for every model and every request.
std::string make_site(const LabConfig& config) {
  std::filesystem::path site = std::filesystem::path(config.out_dir) / "site";
  std::filesystem::create_directories(site);
  std::ofstream(site / "index.html") << std::string(config.body_bytes, 'x');
  return site.string();
}

std::optional<std::string> port_of(const std::string& ready_line) {
  size_t colon = ready_line.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  return ready_line.substr(colon + 1);
}

// Fills a row from `muxd bench --json`'s object.
void read_bench(const std::string& output, Row& row) {
  auto result = nlohmann::json::parse(output);
  row.requests = result.at("requests").get<uint64_t>();
  const auto& errors = result.at("errors");  // a count, or counts by kind
  row.errors = 0;
  if (errors.is_number()) row.errors = errors.get<uint64_t>();
  if (errors.is_object())
    for (auto& [kind, count] : errors.items()) row.errors += count.get<uint64_t>();
  row.rps = result.at("rps").get<double>();
  const auto& latency = result.at("latency_ms");
  row.p50_ms = latency.at("p50").get<double>();
  row.p99_ms = latency.at("p99").get<double>();
  row.max_ms = latency.at("max").get<double>();
}

void keep_peaks(const TreeSample& sample, Row& row) {
  row.peak_rss_bytes = std::max(row.peak_rss_bytes, sample.rss_bytes);
  row.peak_threads = std::max(row.peak_threads, sample.threads);
  row.peak_processes = std::max(row.peak_processes, sample.processes);
}

std::vector<std::string> bench_command(const LabConfig& config, const std::string& port, int connections) {
  return {config.muxd, "bench", "http://127.0.0.1:" + port + "/index.html", "-c", std::to_string(connections),
          "-d", fmt::format("{}", config.duration_s), "--timeout", fmt::format("{}", config.timeout_s), "--threads",
          "1", "--json"};
}

// Drives one server with one load and samples it until the load ends.
void measure(const LabConfig& config, Child& server, const std::string& port, Row& row) {
  TreeSample before = sample_tree(server.pid());
  auto started = Clock::now();
  Child bench(bench_command(config, port, row.concurrency), config.client_cpu, true, false);
  std::string output;
  while (bench.read_stdout(output, kSampleEvery)) {
    keep_peaks(sample_tree(server.pid()), row);
    server.drain_stderr();  // a full pipe would block the server's logging
  }
  int status = bench.wait();
  double wall = std::chrono::duration<double>(Clock::now() - started).count();
  TreeSample after = sample_tree(server.pid());
  keep_peaks(after, row);
  if (output.empty()) {
    row.note = fmt::format("muxd bench exited with status {} and no result", status);
    return;
  }
  read_bench(output, row);
  double cpu = after.cpu_seconds - before.cpu_seconds;
  if (row.requests > 0) row.cpu_us_per_request = cpu * 1e6 / static_cast<double>(row.requests);
  row.server_cpu_share = wall > 0 ? cpu / wall : 0;
  if (status != 0) row.note = fmt::format("muxd bench exited with status {}", status);
}

Row run_one(const LabConfig& config, const std::string& site, const std::string& model, int connections) {
  Row row;
  row.model = model;
  row.concurrency = connections;
  if (static_cast<uint64_t>(connections) + kSpareDescriptors > descriptor_limit()) {
    row.note = fmt::format("skipped: {} descriptors allowed", descriptor_limit());
    return row;
  }
  Child server({config.muxd, "http", "--model", model, "--workers", "1", "--listen", "127.0.0.1:0", "--root", site,
                "--access-log", "off", "--idle-timeout", "120", "--shutdown-timeout", "2"},
               config.server_cpu, false, true);
  auto ready = server.wait_for_line("muxd http listening on ", kStartTimeout);
  auto port = ready ? port_of(*ready) : std::nullopt;
  if (!port) {
    row.note = "the server did not start: " + server.log();
    return row;
  }
  measure(config, server, *port, row);
  if (::kill(server.pid(), 0) != 0 && row.note.empty()) row.note = "the server died under this load";
  server.stop(5s);
  return row;
}

}  // namespace

uint64_t descriptor_limit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  return limit.rlim_max;
}

std::vector<Row> run_lab(const LabConfig& config, const Progress& progress) {
  std::string site = make_site(config);
  std::vector<Row> rows;
  for (const std::string& model : config.models) {
    for (int connections : config.concurrency) {
      Row row = run_one(config, site, model, connections);
      progress(fmt::format("{:<12} c={:<6} {:>9.0f} req/s  p99 {:>9.2f} ms  errors {:<7} cpu {:>7.1f} us/req {}",
                           model, connections, row.rps, row.p99_ms, row.errors, row.cpu_us_per_request, row.note));
      rows.push_back(std::move(row));
      std::this_thread::sleep_for(300ms);  // let the last run's sockets go
    }
  }
  return rows;
}

}  // namespace muxd::c10k
