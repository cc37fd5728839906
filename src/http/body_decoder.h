#pragma once
// BodyDecoder: walks past a request body (Content-Length or chunked, RFC 9112
// §6-§7) without keeping it, so that the next pipelined request starts at the
// right byte. Incremental: any split of the input gives the same outcome.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/request_parser.h"

namespace muxd::http {

class BodyDecoder {
 public:
  static constexpr size_t kMaxChunkLine = 4 * 1024;  // chunk-size line with its extensions
  static constexpr size_t kMaxTrailerBytes = 8 * 1024;  // the whole trailer section

  explicit BodyDecoder(uint64_t max_body_bytes);

  // Prepares for the body that `request` announces (none, a length, chunked).
  void start(const Request& request);

  struct Result {
    size_t consumed;   // bytes of `data` that belong to the body
    bool done;         // the body has ended; bytes after `consumed` are the next request
    int error_status;  // 0, or 400 (bad framing) / 413 (too large) / 431 (trailers too large)
  };
  // `data` is what arrived after the bytes already consumed.
  Result feed(std::string_view data);

 private:
  enum class State : uint8_t {
    Done,
    Failed,
    LengthData,   // Content-Length bytes
    ChunkSize,    // hex digits of a chunk-size
    ChunkSizeWS,  // whitespace after the size, before a ';'
    ChunkExt,     // extensions, up to the CR
    ChunkSizeLF,  // the LF of the size line
    ChunkData,
    ChunkDataCR,  // the CRLF after chunk-data
    ChunkDataLF,
    TrailerLineStart,  // a field line, or the CR of the final empty line
    TrailerLine,
    TrailerLF,
    FinalLF,
  };

  size_t skip_data(std::string_view data);
  void step(char c);
  void on_size_digit(char c);
  void on_size_end(char c);
  void on_size_whitespace(char c);
  void on_chunk_ext(char c);
  void on_size_lf(char c);
  void on_trailer(char c);
  void expect(char c, char wanted, State next);
  void fail(int status);

  uint64_t max_body_bytes_;
  State state_ = State::Done;
  int error_status_ = 0;
  uint64_t remaining_ = 0;   // data bytes left in the body or current chunk
  uint64_t total_ = 0;       // sum of the chunk sizes so far
  size_t size_digits_ = 0;   // hex digits of the current chunk-size
  size_t line_bytes_ = 0;    // bytes of the current chunk-size line
  size_t trailer_bytes_ = 0;
};

}  // namespace muxd::http
