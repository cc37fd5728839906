#include "loadgen/bench_worker.h"

#include "loadgen/client.h"

namespace muxd::loadgen {
namespace {

// After a failed connect, a connection waits this long before the next try,
// so a refusing target is not hammered in a tight loop.
constexpr std::chrono::milliseconds kRetryPause{10};

}  // namespace

BenchWorker::BenchWorker(EventLoop& loop, const BenchConfig& config, std::string_view request, size_t connections,
                         double rate, Clock::duration rate_offset)
    : loop_(loop),
      config_(config),
      request_(request),
      peer_name_(config.target.address.to_string()),
      timeouts_(loop, config.timeout),
      retry_pauses_(loop, kRetryPause),
      rate_(rate),
      rate_offset_(rate_offset) {
  if (paced()) wake_ = std::make_unique<WakeTimer>(loop, [this] { pump(); });
  clients_.reserve(connections);
  for (size_t i = 0; i < connections; ++i) clients_.push_back(std::make_unique<Client>(*this));
}

BenchWorker::~BenchWorker() { clients_.clear(); }

void BenchWorker::begin(Clock::time_point start, Clock::time_point end) {
  end_ = end;
  if (paced()) pacer_.emplace(rate_, start + rate_offset_);
  for (auto& client : clients_) client->connect();
  if (paced()) pump();
}

void BenchWorker::count_response(int status, Clock::duration latency, Clock::time_point now) {
  if (now >= end_) return;
  ++stats_.requests;
  ++stats_.status[static_cast<size_t>(status)];
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count();
  stats_.latency.record(static_cast<uint64_t>(std::max<int64_t>(ns + 500, 0) / 1000));  // rounded to µs
  progress_requests_.store(stats_.requests, std::memory_order_relaxed);
}

void BenchWorker::count_bytes(size_t bytes, Clock::time_point now) {
  if (now < end_) stats_.bytes += bytes;
}

void BenchWorker::count_error(ErrorKind kind, std::string_view message) {
  if (Clock::now() >= end_) return;  // connections cut by the end of the run are no errors
  stats_.count_error(kind, message);
  progress_errors_.store(stats_.error_count(), std::memory_order_relaxed);
}

void BenchWorker::ready(Client& client) {
  if (!client.listed) {
    client.listed = true;
    ready_.push_back(&client);
  }
  pump();
}

// Hands every due request to a connection with a free slot, oldest first.
// A send can close its connection and reconnect, which can call ready()
// again: the flag keeps that from nesting a second pump.
void BenchWorker::pump() {
  if (pumping_ || !pacer_) return;
  pumping_ = true;
  Clock::time_point now = Clock::now();
  while (now < end_ && pacer_->next() <= now && !ready_.empty()) {
    Client* client = ready_.front();
    ready_.pop_front();
    if (client->can_send()) {
      Clock::time_point intended = pacer_->next();
      pacer_->take();
      client->send_paced(intended);
    }
    if (client->can_send()) {
      ready_.push_back(client);
    } else {
      client->listed = false;
    }
  }
  pumping_ = false;
  // Due requests with no free connection wait for an answer to free one
  // (which pumps again); otherwise wake for the next intended time.
  if (now < end_ && pacer_->next() > now) wake_->arm_at(pacer_->next());
}

}  // namespace muxd::loadgen
