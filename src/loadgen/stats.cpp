#include "loadgen/stats.h"

namespace muxd::loadgen {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::connect: return "connect";
    case ErrorKind::read: return "read";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::parse: return "parse";
  }
  return "?";
}

void BenchStats::count_error(ErrorKind kind, std::string_view message) {
  auto i = static_cast<size_t>(kind);
  ++errors[i];
  if (first_error[i].empty()) first_error[i] = message;
}

uint64_t BenchStats::error_count() const {
  uint64_t total = 0;
  for (uint64_t n : errors) total += n;
  return total;
}

void BenchStats::merge(const BenchStats& other) {
  requests += other.requests;
  bytes += other.bytes;
  for (size_t i = 0; i < kErrorKinds; ++i) {
    errors[i] += other.errors[i];
    if (first_error[i].empty()) first_error[i] = other.first_error[i];
  }
  for (size_t i = 0; i < status.size(); ++i) status[i] += other.status[i];
  latency.merge(other.latency);
}

}  // namespace muxd::loadgen
