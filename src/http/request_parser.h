#pragma once
// RequestParser: a sans-IO parser for the head of an HTTP/1.x request
// (RFC 9112 §2-§3, §5-§6; RFC 9110 §5, §7.2, §8.6). It never allocates: the
// parsed Request is made of views into the caller's bytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace muxd::http {

enum class Method : uint8_t { Get, Head, Post, Put, Delete, Options, Trace, Connect, Patch, Unknown };

// "GET", "HEAD", ...; "UNKNOWN" for Method::Unknown (see Request::method_text).
std::string_view method_name(Method method);

struct Header {
  std::string_view name;   // as sent (a token)
  std::string_view value;  // leading and trailing OWS removed
};

enum class BodyFraming : uint8_t { None, Length, Chunked };

struct ParserLimits {
  size_t max_request_line = 8 * 1024;  // bytes without the CRLF; over it: 414
  size_t max_head_bytes = 32 * 1024;   // request line + headers + blank line; over it: 431
  size_t max_headers = 100;            // over it: 431 (at most Request::kMaxHeaders)
  uint64_t max_body_bytes = 1 << 20;   // declared Content-Length over it: 413
};

struct Request {
  static constexpr size_t kMaxHeaders = 100;  // storage bound for ParserLimits::max_headers

  Method method = Method::Unknown;
  std::string_view method_text;  // the method token as sent
  std::string_view target;       // the request-target as sent
  std::string_view path;   // percent-encoded, no query; "/" for "http://host", "*" for OPTIONS *
  std::string_view query;  // after '?', without it
  int minor_version = 1;   // HTTP/1.0 -> 0, HTTP/1.1 -> 1
  std::string_view host;   // Host header, or the authority of an absolute-form target
  bool keep_alive = true;  // RFC 9112 §9.3
  BodyFraming body = BodyFraming::None;
  uint64_t content_length = 0;  // meaningful when body == Length
  // The first of each, empty when absent.
  std::string_view if_none_match, if_modified_since, range, if_range;
  std::array<Header, kMaxHeaders> header_slots;  // the first header_count are the headers
  size_t header_count = 0;
  size_t head_size = 0;  // bytes of the head, leading empty lines and final blank line included

  std::span<const Header> headers() const { return {header_slots.data(), header_count}; }
  // The first header with this name (ASCII case-insensitive), empty if none.
  std::string_view header(std::string_view name) const;
};

struct ParseResult {
  enum Status : uint8_t { Complete, Incomplete, Error } status;
  int http_status;     // for Error: the status to answer with (400, 413, 414, 431, 501, 505)
  const char* reason;  // for Error: a short explanation for the log / error page
};

class RequestParser {
 public:
  explicit RequestParser(const ParserLimits& limits = {});

  // `data` starts at the first byte of the request and may be incomplete; call
  // again with the same start, more bytes appended and the same `out`. Bytes
  // already scanned are not scanned again, unless `data` moved in memory
  // between calls (views cannot survive a move: the parse then starts over,
  // which a geometrically growing buffer keeps linear). On Complete, `out`
  // holds views into `data` (path may also be the literal "/" or "*"); the
  // caller consumes out.head_size bytes and calls reset() before the next
  // request. After Error the connection must be closed.
  ParseResult parse(std::string_view data, Request& out);
  void reset();

 private:
  enum class Stage : uint8_t { Idle, RequestLine, Headers, Done };
  struct Problem {  // a failed check; status 0 means none
    int status = 0;
    const char* reason = nullptr;
  };

  void begin(std::string_view data, Request& out);
  const char* find_line_end(std::string_view data);
  ParseResult finish(Problem problem);
  Problem check_limits(size_t line_length, size_t stream_end, bool complete) const;
  Problem parse_line(std::string_view line, size_t line_end, Request& out);
  Problem parse_request_line(std::string_view line, Request& out);
  Problem parse_target(Request& out);
  Problem parse_header_line(std::string_view line, Request& out);
  Problem apply_known_header(std::string_view name, std::string_view value, Request& out);
  Problem apply_host(std::string_view value, Request& out);
  Problem apply_content_length(std::string_view value, Request& out);
  Problem apply_transfer_encoding(std::string_view value);
  void apply_connection(std::string_view value);
  Problem end_of_head(Request& out) const;

  ParserLimits limits_;
  Stage stage_ = Stage::Idle;
  ParseResult outcome_{};           // what parse() returns once Done
  const char* base_ = nullptr;      // data.data() of the previous call
  const Request* out_ = nullptr;    // `out` of the previous call
  size_t line_start_ = 0;           // offset of the line being assembled
  size_t scan_offset_ = 0;          // where the search for the line's end resumes
  const char* line_flaw_ = nullptr; // why the current line is invalid, found while searching
  // What the headers said so far; judged together at the end of the head.
  uint8_t host_count_ = 0;
  bool host_from_target_ = false;
  bool has_content_length_ = false;
  bool has_transfer_encoding_ = false;
  bool has_chunked_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
};

}  // namespace muxd::http
