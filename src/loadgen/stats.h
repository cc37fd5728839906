#pragma once
// BenchStats: what one load thread counted; merged into one at the end.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "loadgen/histogram.h"

namespace muxd::loadgen {

enum class ErrorKind : uint8_t {
  connect,  // the connect failed (refused, unreachable, out of descriptors or ports)
  read,     // the connection failed or closed before a response ended
  timeout,  // no byte of an awaited response (or no handshake) for --timeout
  parse,    // the bytes were not an HTTP/1.x response
};
inline constexpr size_t kErrorKinds = 4;
const char* error_kind_name(ErrorKind kind);

struct BenchStats {
  uint64_t requests = 0;  // responses that ended within the run, any status
  uint64_t bytes = 0;     // read from the sockets, heads and bodies
  std::array<uint64_t, kErrorKinds> errors{};
  std::array<uint64_t, 600> status{};  // by status code, 100-599
  LatencyHistogram latency;            // microseconds
  std::array<std::string, kErrorKinds> first_error;  // each kind's first message

  void count_error(ErrorKind kind, std::string_view message);
  uint64_t error_count() const;
  uint64_t errors_of(ErrorKind kind) const { return errors[static_cast<size_t>(kind)]; }
  void merge(const BenchStats& other);
};

}  // namespace muxd::loadgen
