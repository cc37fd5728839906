#pragma once
// The C10K lab (`muxd c10k`): every IO model of `muxd http` under the same
// load at growing concurrency, measured side by side on one machine.
//
// For each model and each concurrency: start `muxd http --model M` pinned to
// one CPU, drive it with `muxd bench --json` pinned to the other, sample the
// server's process tree in /proc while the load runs (CPU time, resident
// memory, threads, processes), stop it. Nothing is assumed: a model that
// cannot take a concurrency shows it as errors, timeouts, or a server that
// died, and the report says so.
#include <functional>
#include <string>
#include <vector>

namespace muxd::c10k {

struct LabConfig {
  std::vector<std::string> models;
  std::vector<int> concurrency;
  double duration_s = 5;
  double timeout_s = 5;       // the load generator's per-request timeout
  std::string out_dir;
  std::string muxd;           // the binary to run (this one by default)
  int server_cpu = 0;         // -1: not pinned
  int client_cpu = 1;
  size_t body_bytes = 1024;   // the file every request fetches
};

struct Row {
  std::string model;
  int concurrency = 0;
  double rps = 0;
  double p50_ms = 0, p99_ms = 0, max_ms = 0;
  uint64_t requests = 0, errors = 0;
  double cpu_us_per_request = 0;  // the server's CPU (its whole tree) per request answered
  double server_cpu_share = 0;    // server CPU seconds / wall seconds
  uint64_t peak_rss_bytes = 0;    // summed over the tree (shared pages count once per process)
  uint64_t peak_threads = 0, peak_processes = 0;
  std::string note;               // why a run has no numbers, or what went wrong in it
};

using Progress = std::function<void(const std::string& line)>;

std::vector<Row> run_lab(const LabConfig& config, const Progress& progress);

// How many descriptors a process here may open (the hard RLIMIT_NOFILE).
uint64_t descriptor_limit();

}  // namespace muxd::c10k
