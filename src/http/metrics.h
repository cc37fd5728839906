#pragma once
// Metrics: the counters behind `--status-path`, in the Prometheus text
// exposition format (version 0.0.4).
//
// One block of counters per worker, each on cache lines of its own (no false
// sharing between workers). A worker's sessions add to its block with relaxed
// atomic adds; the status request reads every block with relaxed loads, so no
// lock is ever taken on the request path, and a scrape sees each counter
// whole though not all counters at the same instant (Prometheus expects no
// more). In the event-loop models only the worker's thread writes its block,
// so the add never contends; the thread and fork models serve a worker's
// connections from many threads or processes, which is why the add is an
// atomic read-modify-write rather than a plain load and store.
//
// The blocks live in one MAP_SHARED anonymous mapping made before any
// worker starts: a `--model fork` child inherits it, and its counts reach
// the status page whichever process answers it (lock-free atomics are
// address-free, so they work across processes; C++20 [atomics.lockfree]).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace muxd::http {

struct alignas(64) WorkerCounters {
  std::atomic<uint64_t> connections_accepted{0};
  std::atomic<uint64_t> connections_closed{0};  // open = accepted - closed
  std::atomic<uint64_t> requests[5] = {};       // by status class: 1xx .. 5xx
  std::atomic<uint64_t> body_bytes{0};          // response body bytes, as the access log counts them
  std::atomic<uint64_t> auth_verifications{0};  // passwords hashed (cache misses), see basic_auth.h
  std::atomic<uint64_t> auth_cache_hits{0};
  std::atomic<uint64_t> auth_throttled{0};      // answered 429

  static void add(std::atomic<uint64_t>& counter, uint64_t n = 1) { counter.fetch_add(n, std::memory_order_relaxed); }
  void count_response(int status, uint64_t bytes) {
    if (status >= 100 && status < 600) add(requests[status / 100 - 1]);
    add(body_bytes, bytes);
  }
};
static_assert(std::atomic<uint64_t>::is_always_lock_free, "the counters are shared with fork children");

// A copy of one block, as a scrape read it.
struct CounterSnapshot {
  uint64_t connections_accepted = 0, connections_closed = 0;
  uint64_t requests[5] = {};
  uint64_t body_bytes = 0, auth_verifications = 0, auth_cache_hits = 0, auth_throttled = 0;

  static CounterSnapshot read(const WorkerCounters& counters);
  void add(const CounterSnapshot& other);
};

// The exposition text for these snapshots (one per worker), with process
// totals, uptime and build info. Separate from Metrics so tests can feed it.
std::string render_prometheus(const CounterSnapshot* workers, size_t count, double uptime_seconds,
                              std::string_view version, std::string_view model);

class Metrics {
 public:
  using Clock = std::chrono::steady_clock;

  Metrics(size_t workers, std::string model);  // throws std::system_error if mmap fails
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  WorkerCounters& worker(size_t index) { return blocks_[index < count_ ? index : 0]; }
  std::string render() const;

 private:
  WorkerCounters* blocks_;
  size_t count_;
  std::string model_;
  Clock::time_point started_ = Clock::now();
};

}  // namespace muxd::http
