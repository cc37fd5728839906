#include "loadgen/bench_runner.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/core.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "core/signals.h"
#include "core/worker_pool.h"
#include "loadgen/bench_worker.h"
#include "loadgen/report.h"

namespace muxd::loadgen {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// A target that has answered nothing while every connection failed at
// least once, this long into the run, will not start answering: stop early.
constexpr auto kHopelessAfter = 250ms;

// At start-up the soft descriptor limit goes up to the hard one; more
// connections than that would fail as connect errors, so say so first.
bool enough_descriptors(size_t connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return true;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised{limit.rlim_max, limit.rlim_max};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY || connections + 32 <= limit.rlim_cur) return true;
  fmt::print(stderr, "muxd bench: {} connections need more descriptors than the limit ({}); raise it (ulimit -n)\n",
             connections, limit.rlim_cur);
  return false;
}

class Run {
 public:
  explicit Run(const BenchConfig& config) : config_(config), request_(build_request(config)), pool_(config.threads) {
    size_t threads = config.threads;
    for (size_t i = 0; i < threads; ++i) {
      size_t connections = config.connections / threads + (i < config.connections % threads ? 1 : 0);
      double rate = config.rate / static_cast<double>(threads);
      // Thread i's schedule starts i ticks of the overall rate later, so the
      // threads' requests interleave evenly instead of leaving in bursts.
      auto offset = config.rate > 0 ? std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(static_cast<double>(i) / config.rate))
                                    : Clock::duration{};
      workers_.push_back(std::make_unique<BenchWorker>(pool_.loop(i), config_, request_, connections, rate, offset));
    }
  }

  ~Run() {
    pool_.stop();     // joins the threads: the loops are idle...
    workers_.clear();  // ...so their connections can go from here
  }

  double go() {
    pool_.start();
    start_ = Clock::now();
    Clock::time_point end = start_ + config_.duration;
    for (size_t i = 0; i < workers_.size(); ++i) {
      BenchWorker* worker = workers_[i].get();
      pool_.loop(i).run_in_loop([worker, start = start_, end] { worker->begin(start, end); });
    }
    Clock::time_point stopped = wait(end);
    pool_.stop();
    erase_progress();
    for (auto& worker : workers_) stats_.merge(worker->stats());
    return std::chrono::duration<double>(std::min(stopped, end) - start_).count();
  }

  const BenchStats& stats() const { return stats_; }

 private:
  // Until the end, a signal, or a hopeless target; returns when it stopped.
  Clock::time_point wait(Clock::time_point end) {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    Clock::time_point next_progress = start_ + 1s;
    for (;;) {
      Clock::time_point now = Clock::now();
      if (now >= end) return end;
      auto pause = std::min<Clock::duration>(end - now, 50ms);
      timespec timeout{0, static_cast<long>(std::chrono::nanoseconds(pause).count())};
      if (::sigtimedwait(&stop_signals, nullptr, &timeout) > 0) return Clock::now();  // Ctrl-C: report what we have
      now = Clock::now();
      auto [requests, errors] = totals();
      if (requests == 0 && errors >= config_.connections && now - start_ >= kHopelessAfter) return now;
      if (now >= next_progress && now < end) {
        show_progress(now, requests, errors);
        next_progress += 1s;
      }
    }
  }

  std::pair<uint64_t, uint64_t> totals() const {
    uint64_t requests = 0, errors = 0;
    for (const auto& worker : workers_) {
      requests += worker->requests_so_far();
      errors += worker->errors_so_far();
    }
    return {requests, errors};
  }

  // Only on a terminal, once a second, overwritten in place (\r); stdout
  // (the report, or the JSON) never sees it.
  void show_progress(Clock::time_point now, uint64_t requests, uint64_t errors) {
    if (!::isatty(STDERR_FILENO)) return;
    double elapsed = std::chrono::duration<double>(now - start_).count();
    uint64_t last_second = requests - last_requests_;
    last_requests_ = requests;
    fmt::print(stderr, "\r\033[K  {:.0f} s: {} requests, {}/s in the last second, {} errors", elapsed, requests,
               last_second, errors);
    std::fflush(stderr);
    shown_ = true;
  }

  void erase_progress() {
    if (shown_) fmt::print(stderr, "\r\033[K");
  }

  const BenchConfig& config_;
  std::string request_;
  WorkerPool pool_;
  std::vector<std::unique_ptr<BenchWorker>> workers_;
  Clock::time_point start_;
  BenchStats stats_;
  uint64_t last_requests_ = 0;
  bool shown_ = false;
};

}  // namespace

int run_bench(const BenchConfig& config) {
  block_signals({SIGINT, SIGTERM});  // before any thread: they arrive through sigtimedwait
  if (!enough_descriptors(config.connections)) return 1;
  Run run(config);
  double seconds = run.go();
  const BenchStats& stats = run.stats();
  if (config.json) {
    fmt::print("{}", format_json(config, stats, seconds));
  } else if (stats.requests > 0) {
    fmt::print("{}", format_text(config, stats, seconds));
  }
  std::fflush(stdout);
  if (auto why = failure(config, stats, seconds)) {
    fmt::print(stderr, "muxd bench: {}\n", *why);
    return 1;
  }
  return 0;
}

}  // namespace muxd::loadgen
