#pragma once
// The C10K lab's process plumbing: start a program pinned to one CPU, read
// its stderr, stop it; and what /proc says about a process tree (CPU time,
// resident memory, threads, processes) while a load runs.
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/unique_fd.h"

namespace muxd::c10k {

class Child {
 public:
  // Runs `argv` (argv[0] a path) with its stdout (and stderr when
  // capture_stderr is false) sent to /dev/null; cpu >= 0 pins it there
  // (sched_setaffinity, before exec). Throws std::runtime_error.
  Child(const std::vector<std::string>& argv, int cpu, bool capture_stdout, bool capture_stderr);
  ~Child();  // kills and reaps it if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Reads stderr until a line starting with `prefix` (returned whole), the
  // child exits or `timeout` passes (nullopt). Lines read are kept in log().
  std::optional<std::string> wait_for_line(const std::string& prefix, std::chrono::milliseconds timeout);
  // Reads what stderr has now into log() (the last 64 KiB are kept).
  void drain_stderr();
  // Appends what stdout has within `timeout`; false once the child closed it.
  bool read_stdout(std::string& into, std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after `grace`; returns the exit status (or 128+signal).
  int stop(std::chrono::milliseconds grace);
  int wait();
  const std::string& log() const { return log_; }

 private:
  pid_t pid_ = -1;
  UniqueFd out_, err_;
  std::string log_;
  std::string pending_;
};

// One look at a process and its descendants (the fork model's children).
struct TreeSample {
  double cpu_seconds = 0;  // user + system: the live tree's, and the root's reaped children's
  uint64_t rss_bytes = 0;  // summed over the tree
  uint64_t threads = 0;
  uint64_t processes = 0;
};
TreeSample sample_tree(pid_t root);

}  // namespace muxd::c10k
