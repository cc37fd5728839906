// Fuzzes loadgen::ResponseParser, the load generator's view of a server's
// bytes. The input: one byte that sets the read size (how a connection's
// reads would split the stream), then the bytes the server sent, then its
// close. The same bytes are parsed whole and in reads, the way Client does
// (what the parser leaves unconsumed is offered again in front of the next
// read). Invariants: both give the same responses (status, body size,
// persistence) and the same outcome, so the answer never depends on where
// the reads split; a parse never consumes more than it was given; what is
// left unconsumed stays within the head and chunk-line limits; statuses are
// 100-599; body bytes never exceed the bytes given.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "loadgen/response_parser.h"

namespace {

using muxd::loadgen::Response;
using muxd::loadgen::ResponseLimits;
using muxd::loadgen::ResponseParser;
using Result = ResponseParser::Result;

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

struct Outcome {
  std::vector<Response> responses;
  bool error = false;
};

Outcome parse(std::string_view stream, size_t read_size, const ResponseLimits& limits) {
  ResponseParser parser(limits);
  Outcome out;
  std::string pending;
  for (size_t offset = 0; offset < stream.size() && !out.error; offset += read_size) {
    pending += stream.substr(offset, read_size);
    size_t used = 0;
    while (used < pending.size()) {
      size_t n = 0;
      Result result = parser.parse(std::string_view(pending).substr(used), &n);
      check(n <= pending.size() - used, "consumed more than given");
      used += n;
      if (result == Result::need_more) break;
      if (result == Result::error) {
        check(!parser.error().empty(), "an error without a reason");
        out.error = true;
        break;
      }
      const Response& response = parser.response();
      check(response.status >= 100 && response.status <= 599, "status outside 100-599");
      check(response.body_bytes <= stream.size(), "more body than bytes");
      out.responses.push_back(response);
    }
    pending.erase(0, used);
    check(out.error || pending.size() <= limits.max_head_bytes + limits.max_chunk_line + read_size,
          "unconsumed bytes beyond the limits");
  }
  if (!out.error) {
    Result result = parser.finish();
    if (result == Result::response) out.responses.push_back(parser.response());
    if (result == Result::error) out.error = true;
  }
  return out;
}

bool same(const Response& a, const Response& b) {
  return a.status == b.status && a.body_bytes == b.body_bytes && a.keep_alive == b.keep_alive;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t read_size = 1 + data[0] % 64;
  std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
  ResponseLimits limits;
  limits.max_head_bytes = 512;  // small, so the fuzzer reaches them
  limits.max_headers = 8;
  limits.max_chunk_line = 32;
  Outcome whole = parse(stream, stream.size() ? stream.size() : 1, limits);
  Outcome split = parse(stream, read_size, limits);
  check(whole.error == split.error, "the outcome depends on how reads split the stream");
  check(whole.responses.size() == split.responses.size(), "the response count depends on the reads");
  for (size_t i = 0; i < whole.responses.size(); ++i)
    check(same(whole.responses[i], split.responses[i]), "a response depends on the reads");
  return 0;
}
