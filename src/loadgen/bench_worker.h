#pragma once
// BenchWorker: the load one thread generates: its share of the connections
// (Clients) on its EventLoop, its timeouts, its statistics and, under
// --rate, its share of the schedule.
//
// Under --rate the worker, not the clients, decides when requests go out:
// the Pacer says which are due, a WakeTimer wakes the loop at the next
// intended time, and pump() hands each due request to a connection that
// has a free pipeline slot. When none has, the request waits, and its
// latency still counts from its intended time (see pacer.h).
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event_loop.h"
#include "core/timer_queue.h"
#include "loadgen/bench_config.h"
#include "loadgen/pacer.h"
#include "loadgen/stats.h"
#include "loadgen/wake_timer.h"

namespace muxd::loadgen {

class Client;

class BenchWorker {
 public:
  using Clock = std::chrono::steady_clock;

  // `rate`: this thread's requests per second (0: closed loop); its
  // schedule starts `rate_offset` after the run's start, so that the
  // threads' schedules interleave.
  BenchWorker(EventLoop& loop, const BenchConfig& config, std::string_view request, size_t connections,
              double rate = 0, Clock::duration rate_offset = {});
  ~BenchWorker();
  BenchWorker(const BenchWorker&) = delete;
  BenchWorker& operator=(const BenchWorker&) = delete;

  // Loop thread: opens the connections; nothing is counted from `end` on.
  void begin(Clock::time_point start, Clock::time_point end);

  // Any thread, while the loop runs (for the progress line).
  uint64_t requests_so_far() const { return progress_requests_.load(std::memory_order_relaxed); }
  uint64_t errors_so_far() const { return progress_errors_.load(std::memory_order_relaxed); }
  // Once the loop has stopped.
  const BenchStats& stats() const { return stats_; }

  // For the clients (loop thread).
  EventLoop& loop() { return loop_; }
  const BenchConfig& config() const { return config_; }
  std::string_view request() const { return request_; }
  const std::string& peer_name() const { return peer_name_; }
  TimerQueue& timeouts() { return timeouts_; }
  TimerQueue& retry_pauses() { return retry_pauses_; }
  bool paced() const { return rate_ > 0; }
  bool running(Clock::time_point now) const { return now < end_; }
  void count_response(int status, Clock::duration latency, Clock::time_point now);
  void count_bytes(size_t bytes, Clock::time_point now);
  void count_error(ErrorKind kind, std::string_view message);
  // --rate: `client` can take a request now.
  void ready(Client& client);

 private:
  void pump();

  EventLoop& loop_;
  const BenchConfig& config_;
  std::string request_;
  std::string peer_name_;
  TimerQueue timeouts_;
  TimerQueue retry_pauses_;
  double rate_;
  Clock::duration rate_offset_;
  std::optional<Pacer> pacer_;
  std::unique_ptr<WakeTimer> wake_;
  bool pumping_ = false;
  std::deque<Client*> ready_;
  Clock::time_point end_ = Clock::time_point::min();
  BenchStats stats_;
  std::atomic<uint64_t> progress_requests_{0};
  std::atomic<uint64_t> progress_errors_{0};
  std::vector<std::unique_ptr<Client>> clients_;  // last: they go first
};

}  // namespace muxd::loadgen
