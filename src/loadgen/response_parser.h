#pragma once
// ResponseParser: HTTP/1.1 responses from bytes, sans-IO (RFC 9112), for the
// load generator. It finds where each response ends (Content-Length, chunked,
// or the connection's close), reads its status and whether the connection
// stays open, and skips the body without keeping it.
//
// Zero-copy contract: parse() looks at the front of the caller's bytes and
// says how many it used. An unfinished head or chunk-size line is left
// unconsumed (the caller keeps it and passes it again with more bytes
// behind; the scan resumes where it stopped, so a slow head costs no rescans);
// body bytes are consumed as they come.
//
// Strict where a wrong frame would desynchronise the connection (a malformed
// status line, header name or chunk size, conflicting Content-Lengths, obs-fold,
// bare CR), lenient where RFC 9112 §2.2 lets a recipient be (a bare LF ends
// a line). Garbage is an error, never a guess: the caller closes the connection.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace muxd::loadgen {

struct ResponseLimits {
  size_t max_head_bytes = 64 * 1024;  // status line and fields (and a chunked body's trailers)
  size_t max_headers = 100;           // field lines in the head (and in the trailers)
  size_t max_chunk_line = 1024;       // a chunk-size line, extensions included
};

struct Response {
  int status = 0;
  bool keep_alive = true;  // the connection may carry the next response
  uint64_t body_bytes = 0;
};

class ResponseParser {
 public:
  enum class Result {
    need_more,  // everything usable was consumed; call again with more bytes
    response,   // one response ended: response() has it; call again for the next
    error,      // not HTTP (error() says why): close the connection
  };

  explicit ResponseParser(ResponseLimits limits = {}) : limits_(limits) {}

  Result parse(std::string_view input, size_t* consumed);
  // The peer closed. `response`: a body delimited by the close ended;
  // `error`: a response was cut short; `need_more`: none was under way.
  Result finish();

  const Response& response() const { return response_; }
  const std::string& error() const { return error_; }
  // A response has begun (bytes of it were seen) and not ended.
  bool in_progress() const { return state_ != State::head || started_; }
  void reset();

 private:
  enum class State { head, body, until_close, chunk_size, chunk_data, chunk_end, trailers };

  Result parse_head(std::string_view input, size_t* used);
  void begin_head();
  bool read_status_line(std::string_view line);
  bool read_field_line(std::string_view line);
  bool read_field(std::string_view name, std::string_view value);
  bool read_chunk_size(std::string_view line);
  Result body_begins();
  Result complete();
  Result fail(std::string why);
  bool reject(std::string why);  // fail() for the helpers that answer yes or no

  ResponseLimits limits_;
  State state_ = State::head;
  bool started_ = false;  // bytes of a head were seen
  size_t scanned_ = 0;    // head bytes already read (whole lines)
  size_t fields_ = 0;     // field lines read in this head
  uint64_t remaining_ = 0;  // of the body, or of the current chunk
  size_t trailer_bytes_ = 0;
  size_t trailer_lines_ = 0;
  // Framing read from the head.
  int version_minor_ = 1;
  bool chunked_ = false;
  bool other_coding_ = false;  // a final transfer coding other than chunked
  bool has_length_ = false;
  bool close_ = false;
  bool keep_alive_token_ = false;
  Response response_;
  std::string error_;
};

}  // namespace muxd::loadgen
