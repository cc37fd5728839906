#include "loadgen/report.h"

#include <fmt/core.h>

#include <algorithm>

namespace muxd::loadgen {
namespace {

constexpr double kPercentiles[] = {50, 90, 99, 99.9};
constexpr const char* kPercentileNames[] = {"p50", "p90", "p99", "p999"};
constexpr const char* kPercentileLabels[] = {"p50", "p90", "p99", "p99.9"};

double ms(uint64_t microseconds) { return static_cast<double>(microseconds) / 1000.0; }

double per_second(uint64_t count, double seconds) {
  return seconds > 0 ? static_cast<double>(count) / seconds : 0.0;
}

// 1234567 -> "1,234,567"
std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string bytes_text(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;
  for (; bytes >= 1024 && unit + 1 < std::size(units); ++unit) bytes /= 1024;
  return fmt::format("{:.1f} {}", bytes, units[unit]);
}

}  // namespace

std::string format_text(const BenchConfig& config, const BenchStats& stats, double seconds) {
  std::string out = fmt::format("muxd bench http://{}{}: {:g} s, {} connection{} on {} thread{}", config.target.authority,
                                config.target.path, seconds, config.connections, config.connections == 1 ? "" : "s",
                                config.threads, config.threads == 1 ? "" : "s");
  if (config.pipeline > 1) out += fmt::format(", pipeline {}", config.pipeline);
  if (config.close) out += ", a new connection per request";
  out += '\n';
  if (config.rate > 0)
    out += fmt::format("  rate      {:g} requests/s scheduled; latency counts from each request's intended send time\n",
                       config.rate);
  out += fmt::format("  requests  {} ({:.1f}/s)\n", grouped(stats.requests), per_second(stats.requests, seconds));
  out += fmt::format("  bytes     {} ({}/s)\n", bytes_text(static_cast<double>(stats.bytes)),
                     bytes_text(per_second(stats.bytes, seconds)));
  const LatencyHistogram& latency = stats.latency;
  out += "  latency  ";
  for (size_t i = 0; i < std::size(kPercentiles); ++i)
    out += fmt::format(" {} {:.3f}", kPercentileLabels[i], ms(latency.percentile(kPercentiles[i])));
  out += fmt::format("  max {:.3f}  mean {:.3f} ms\n", ms(latency.max()), latency.mean() / 1000.0);
  out += "  status   ";
  bool any = false;
  for (size_t code = 0; code < stats.status.size(); ++code) {
    if (stats.status[code] == 0) continue;
    out += fmt::format(" {}: {}", code, grouped(stats.status[code]));
    any = true;
  }
  out += any ? "\n" : " none\n";
  out += fmt::format("  errors    {}", grouped(stats.error_count()));
  if (stats.error_count() > 0) {
    out += " (";
    for (size_t i = 0; i < kErrorKinds; ++i)
      out += fmt::format("{}{} {}", i ? ", " : "", error_kind_name(static_cast<ErrorKind>(i)), grouped(stats.errors[i]));
    out += ")";
  }
  out += '\n';
  return out;
}

std::string format_json(const BenchConfig& config, const BenchStats& stats, double seconds) {
  const LatencyHistogram& latency = stats.latency;
  std::string out = fmt::format(R"({{"requests": {}, "errors": {}, "duration_s": {:.3f}, "rps": {:.1f}, )",
                                stats.requests, stats.error_count(), seconds, per_second(stats.requests, seconds));
  out += fmt::format(R"("bytes": {}, "bytes_per_s": {:.0f}, "latency_ms": {{)", stats.bytes,
                     per_second(stats.bytes, seconds));
  for (size_t i = 0; i < std::size(kPercentiles); ++i)
    out += fmt::format(R"("{}": {:.3f}, )", kPercentileNames[i], ms(latency.percentile(kPercentiles[i])));
  out += fmt::format(R"("max": {:.3f}, "mean": {:.3f}}}, "status": {{)", ms(latency.max()), latency.mean() / 1000.0);
  bool first = true;
  for (size_t code = 0; code < stats.status.size(); ++code) {
    if (stats.status[code] == 0) continue;
    out += fmt::format(R"({}"{}": {})", first ? "" : ", ", code, stats.status[code]);
    first = false;
  }
  out += R"(}, "errors_by_kind": {)";
  for (size_t i = 0; i < kErrorKinds; ++i)
    out += fmt::format(R"({}"{}": {})", i ? ", " : "", error_kind_name(static_cast<ErrorKind>(i)), stats.errors[i]);
  out += fmt::format(R"(}}, "connections": {}, "threads": {}, "pipeline": {}, "rate": {:g}}})", config.connections,
                     config.threads, config.pipeline, config.rate);
  out += '\n';
  return out;
}

std::optional<std::string> failure(const BenchConfig& config, const BenchStats& stats, double seconds) {
  if (stats.requests > 0) return std::nullopt;
  size_t worst = 0;
  for (size_t i = 1; i < kErrorKinds; ++i)
    if (stats.errors[i] > stats.errors[worst]) worst = i;
  if (stats.errors[worst] == 0)
    return fmt::format("no response from {} in {:g} s", config.target.address.to_string(), seconds);
  return stats.first_error[worst];
}

}  // namespace muxd::loadgen
