#pragma once
// What `muxd bench` prints at the end: a table for people, one JSON object
// for scripts (--json), and the one-line reason when nothing worked.
#include <optional>
#include <string>

#include "loadgen/bench_config.h"
#include "loadgen/stats.h"

namespace muxd::loadgen {

std::string format_text(const BenchConfig& config, const BenchStats& stats, double seconds);
// {"requests", "errors", "duration_s", "rps", "bytes", "bytes_per_s",
//  "latency_ms": {"p50", "p90", "p99", "p999", "max", "mean"},
//  "status": {"200": n, ...}, "errors_by_kind": {"connect", "read", "timeout", "parse"},
//  "connections", "threads", "pipeline", "rate"}
std::string format_json(const BenchConfig& config, const BenchStats& stats, double seconds);
// When no request got a response: why, from the most frequent error's first
// message ("cannot connect to 127.0.0.1:9: Connection refused").
std::optional<std::string> failure(const BenchConfig& config, const BenchStats& stats, double seconds);

}  // namespace muxd::loadgen
