#include "http/metrics.h"

#include <sys/mman.h>

#include <cerrno>
#include <new>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#ifndef MUXD_VERSION
#define MUXD_VERSION "unknown"
#endif

namespace muxd::http {
namespace {

constexpr const char* kClasses[5] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

uint64_t load(const std::atomic<uint64_t>& counter) { return counter.load(std::memory_order_relaxed); }

// A label value (§ "Text format details"): backslash, double quote and line feed escaped.
std::string label_value(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped.push_back('\\');
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped.push_back(c);
  }
  return escaped;
}

class Writer {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(text), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  // `labels` is empty or `key="value",...` without braces.
  void sample(std::string_view name, std::string_view labels, uint64_t value) {
    if (labels.empty())
      fmt::format_to(std::back_inserter(text), "{} {}\n", name, value);
    else
      fmt::format_to(std::back_inserter(text), "{}{{{}}} {}\n", name, labels, value);
  }
  std::string text;
};

// One family: a sample per worker (label worker="N") and the process total
// (no worker label), so `sum without(worker)` and the bare series agree.
template <typename Get>
void per_worker(Writer& out, std::string_view name, std::string_view type, std::string_view help,
                const CounterSnapshot* workers, size_t count, const CounterSnapshot& total, Get get,
                std::string_view extra = "") {
  out.family(name, type, help);
  std::string sep = extra.empty() ? "" : ",";
  for (size_t i = 0; i < count; ++i)
    out.sample(name, fmt::format("{}{}worker=\"{}\"", extra, sep, i), get(workers[i]));
  out.sample(name, extra, get(total));
}

}  // namespace

CounterSnapshot CounterSnapshot::read(const WorkerCounters& c) {
  CounterSnapshot s;
  s.connections_accepted = load(c.connections_accepted);
  s.connections_closed = load(c.connections_closed);
  for (int i = 0; i < 5; ++i) s.requests[i] = load(c.requests[i]);
  s.body_bytes = load(c.body_bytes);
  s.auth_verifications = load(c.auth_verifications);
  s.auth_cache_hits = load(c.auth_cache_hits);
  s.auth_throttled = load(c.auth_throttled);
  return s;
}

void CounterSnapshot::add(const CounterSnapshot& o) {
  connections_accepted += o.connections_accepted;
  connections_closed += o.connections_closed;
  for (int i = 0; i < 5; ++i) requests[i] += o.requests[i];
  body_bytes += o.body_bytes;
  auth_verifications += o.auth_verifications;
  auth_cache_hits += o.auth_cache_hits;
  auth_throttled += o.auth_throttled;
}

std::string render_prometheus(const CounterSnapshot* workers, size_t count, double uptime_seconds,
                              std::string_view version, std::string_view model) {
  CounterSnapshot total;
  for (size_t i = 0; i < count; ++i) total.add(workers[i]);
  Writer out;
  // Relaxed reads of two counters: `closed` may be read after a close that
  // `accepted`'s read predates by no more than the connections in flight; clamp.
  auto open = [](const CounterSnapshot& s) {
    return s.connections_accepted > s.connections_closed ? s.connections_accepted - s.connections_closed : 0;
  };
  per_worker(out, "muxd_http_connections_open", "gauge", "Connections open now.", workers, count, total, open);
  per_worker(out, "muxd_http_connections_accepted_total", "counter", "Connections accepted and served.", workers,
             count, total, [](const CounterSnapshot& s) { return s.connections_accepted; });
  out.family("muxd_http_requests_total", "counter", "Responses sent, by status class.");
  for (int c = 0; c < 5; ++c) {
    for (size_t i = 0; i < count; ++i)
      out.sample("muxd_http_requests_total", fmt::format("code=\"{}\",worker=\"{}\"", kClasses[c], i),
                 workers[i].requests[c]);
    out.sample("muxd_http_requests_total", fmt::format("code=\"{}\"", kClasses[c]), total.requests[c]);
  }
  per_worker(out, "muxd_http_sent_body_bytes_total", "counter", "Response body bytes sent (headers not counted).",
             workers, count, total, [](const CounterSnapshot& s) { return s.body_bytes; });
  per_worker(out, "muxd_http_auth_verifications_total", "counter",
             "Passwords hashed to check Basic credentials (verified-credentials cache misses).", workers, count,
             total, [](const CounterSnapshot& s) { return s.auth_verifications; });
  per_worker(out, "muxd_http_auth_cache_hits_total", "counter", "Basic credentials found in the verified cache.",
             workers, count, total, [](const CounterSnapshot& s) { return s.auth_cache_hits; });
  per_worker(out, "muxd_http_auth_throttled_total", "counter",
             "Requests answered 429: their address used up its password checks.", workers, count, total,
             [](const CounterSnapshot& s) { return s.auth_throttled; });
  out.family("muxd_http_uptime_seconds", "gauge", "Seconds since the server started.");
  out.text += fmt::format("muxd_http_uptime_seconds {:.3f}\n", uptime_seconds);
  out.family("muxd_build_info", "gauge", "Always 1; the labels say what runs.");
  out.sample("muxd_build_info",
             fmt::format("version=\"{}\",model=\"{}\",workers=\"{}\"", label_value(version), label_value(model), count),
             1);
  return std::move(out.text);
}

Metrics::Metrics(size_t workers, std::string model) : count_(workers ? workers : 1), model_(std::move(model)) {
  size_t bytes = count_ * sizeof(WorkerCounters);
  void* map = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap of the status counters");
  blocks_ = static_cast<WorkerCounters*>(map);
  for (size_t i = 0; i < count_; ++i) new (&blocks_[i]) WorkerCounters();
}

Metrics::~Metrics() {
  for (size_t i = 0; i < count_; ++i) blocks_[i].~WorkerCounters();
  ::munmap(blocks_, count_ * sizeof(WorkerCounters));
}

std::string Metrics::render() const {
  std::vector<CounterSnapshot> snapshots;
  snapshots.reserve(count_);
  for (size_t i = 0; i < count_; ++i) snapshots.push_back(CounterSnapshot::read(blocks_[i]));
  double uptime = std::chrono::duration<double>(Clock::now() - started_).count();
  return render_prometheus(snapshots.data(), count_, uptime, MUXD_VERSION, model_);
}

}  // namespace muxd::http
