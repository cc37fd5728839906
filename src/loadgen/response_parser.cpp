#include "loadgen/response_parser.h"

#include <fmt/core.h>

#include <array>
#include <cstring>

namespace muxd::loadgen {
namespace {

constexpr uint64_t kMaxLength = uint64_t{1} << 60;  // a larger length is an overflow attempt

// Byte classes, one table lookup each.
constexpr uint8_t kToken = 1;    // tchar (RFC 9110 §5.6.2)
constexpr uint8_t kNotText = 2;  // a control byte other than HTAB, or DEL: never in a reason or value

constexpr std::array<uint8_t, 256> make_table() {
  std::array<uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    for (char t : std::string_view("!#$%&'*+-.^_`|~")) alnum = alnum || c == t;
    table[static_cast<size_t>(c)] = static_cast<uint8_t>((alnum ? kToken : 0) | (((c < 0x20 && c != '\t') || c == 0x7f) ? kNotText : 0));
  }
  return table;
}
constexpr std::array<uint8_t, 256> kTable = make_table();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A line without its LF, and without the CR before it.
std::string_view strip_cr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Calls fn(token) for each element of a comma-separated list (RFC 9110 §5.6.1).
template <typename Fn>
void for_each_token(std::string_view list, Fn&& fn) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view token = trim(list.substr(0, comma));
    if (!token.empty()) fn(token);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

bool parse_decimal(std::string_view digits, uint64_t* value) {
  if (digits.empty()) return false;
  uint64_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
    if (v > kMaxLength) return false;
  }
  *value = v;
  return true;
}

}  // namespace

void ResponseParser::reset() {
  state_ = State::head;
  started_ = false;
  scanned_ = 0;
  remaining_ = 0;
  trailer_bytes_ = trailer_lines_ = 0;
  error_.clear();
}

ResponseParser::Result ResponseParser::fail(std::string why) {
  error_ = std::move(why);
  return Result::error;
}

bool ResponseParser::reject(std::string why) {
  error_ = std::move(why);
  return false;
}

ResponseParser::Result ResponseParser::parse(std::string_view input, size_t* consumed) {
  size_t used = 0;
  Result result = Result::need_more;
  while (result == Result::need_more && used < input.size()) {
    std::string_view rest = input.substr(used);
    switch (state_) {
      case State::head: {
        size_t n = 0;
        result = parse_head(rest, &n);
        if (n == 0 && result == Result::need_more) {  // an unfinished head stays with the caller
          *consumed = used;
          return result;
        }
        used += n;
        break;
      }
      case State::body:
      case State::chunk_data: {
        uint64_t take = std::min<uint64_t>(remaining_, rest.size());
        used += take;
        remaining_ -= take;
        response_.body_bytes += take;
        if (remaining_ == 0) result = state_ == State::body ? complete() : (state_ = State::chunk_end, result);
        break;
      }
      case State::until_close:
        response_.body_bytes += rest.size();
        used = input.size();
        break;
      case State::chunk_end:
        // CRLF (or a bare LF) after the chunk's data (RFC 9112 §7.1).
        if (rest[0] == '\n') {
          used += 1;
        } else if (rest[0] != '\r' || (rest.size() >= 2 && rest[1] != '\n')) {
          result = fail("no CRLF after a chunk's data");
        } else if (rest.size() < 2) {
          *consumed = used;
          return Result::need_more;
        } else {
          used += 2;
        }
        if (result == Result::need_more) state_ = State::chunk_size;
        break;
      case State::chunk_size:
      case State::trailers: {
        size_t lf = rest.find('\n');
        size_t limit = state_ == State::chunk_size ? limits_.max_chunk_line : limits_.max_head_bytes;
        if (lf == std::string_view::npos) {
          if (rest.size() > limit) {
            result = fail(state_ == State::chunk_size ? "chunk-size line too long" : "trailers too large");
            break;
          }
          *consumed = used;
          return Result::need_more;
        }
        if (state_ == State::chunk_size && lf > limit) {  // the same verdict whether or not the LF has come
          result = fail("chunk-size line too long");
          break;
        }
        std::string_view line = strip_cr(rest.substr(0, lf));
        used += lf + 1;
        if (state_ == State::chunk_size) {
          if (!read_chunk_size(line)) result = Result::error;
        } else if (line.empty()) {
          result = complete();
        } else if ((trailer_bytes_ += lf + 1) > limits_.max_head_bytes) {
          result = fail("trailers too large");
        } else if (++trailer_lines_ > limits_.max_headers) {
          result = fail("too many trailer fields");
        }
        break;
      }
    }
  }
  *consumed = used;
  return result;
}

// Reads the head line by line as lines complete, from where the last call
// stopped: each byte is looked at once however the head arrives, and
// garbage fails at its first line rather than at the end of a head.
ResponseParser::Result ResponseParser::parse_head(std::string_view input, size_t* used) {
  if (!started_) begin_head();
  size_t pos = scanned_;
  while (pos < input.size()) {
    const void* found = std::memchr(input.data() + pos, '\n', input.size() - pos);
    if (!found) break;
    size_t lf = static_cast<size_t>(static_cast<const char*>(found) - input.data());
    if (lf + 1 > limits_.max_head_bytes) break;
    std::string_view line = strip_cr(input.substr(pos, lf - pos));
    pos = lf + 1;
    if (response_.status == 0) {
      if (!read_status_line(line)) return Result::error;
    } else if (line.empty()) {
      scanned_ = 0;
      *used = pos;
      return body_begins();
    } else if (!read_field_line(line)) {
      return Result::error;
    }
  }
  scanned_ = pos;
  if (input.size() > limits_.max_head_bytes)
    return fail(fmt::format("response head larger than {} bytes", limits_.max_head_bytes));
  *used = 0;
  return Result::need_more;
}

void ResponseParser::begin_head() {
  started_ = true;
  scanned_ = 0;
  fields_ = 0;
  chunked_ = other_coding_ = has_length_ = close_ = keep_alive_token_ = false;
  response_ = Response{};
  remaining_ = 0;
}

// status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4).
bool ResponseParser::read_status_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || !is_digit(line[7]) || line[8] != ' ' ||
      (line.size() > 12 && line[12] != ' '))
    return reject("not an HTTP/1.x status line");
  version_minor_ = line[7] - '0';
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (!is_digit(line[i])) return reject("not an HTTP/1.x status line");
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100 || status > 599) return reject(fmt::format("status code {} outside 100-599", status));
  for (char c : line.substr(12))
    if (kTable[static_cast<unsigned char>(c)] & kNotText) return reject("control byte in the reason");
  response_.status = status;
  return true;
}

// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5): the name is
// checked and the colon found in one pass; no whitespace before the colon
// (§5.1), no obs-fold (§5.2), no control bytes in the value.
bool ResponseParser::read_field_line(std::string_view line) {
  if (++fields_ > limits_.max_headers) return reject(fmt::format("more than {} header fields", limits_.max_headers));
  size_t colon = 0;
  while (colon < line.size() && (kTable[static_cast<unsigned char>(line[colon])] & kToken)) ++colon;
  if (colon == line.size() || line[colon] != ':') {
    if (line[0] == ' ' || line[0] == '\t') return reject("obs-fold (a continuation line) in the head");
    return reject("a header line that is not 'name: value'");
  }
  if (colon == 0) return reject("a header line without a name");
  std::string_view value = line.substr(colon + 1);
  for (char c : value)
    if (kTable[static_cast<unsigned char>(c)] & kNotText) return reject("control byte in a header value");
  return read_field(line.substr(0, colon), trim(value));
}

bool ResponseParser::read_field(std::string_view name, std::string_view value) {
  if (iequals(name, "content-length")) {
    // A list of identical values is one value (RFC 9110 §8.6); different ones
    // make the framing unknowable (RFC 9112 §6.3).
    bool ok = true;
    for_each_token(value, [&](std::string_view token) {
      uint64_t length = 0;
      if (!parse_decimal(token, &length) || (has_length_ && length != remaining_)) ok = false;
      has_length_ = true;
      remaining_ = length;
    });
    if (!ok || !has_length_) return reject("invalid Content-Length");
  } else if (iequals(name, "transfer-encoding")) {
    // Chunked when it is the final coding; any other final coding means the
    // body runs until the close (RFC 9112 §6.3, rule 4).
    for_each_token(value, [&](std::string_view token) { chunked_ = iequals(token, "chunked"); });
    other_coding_ = !chunked_;
  } else if (iequals(name, "connection")) {
    for_each_token(value, [&](std::string_view token) {
      if (iequals(token, "close")) close_ = true;
      if (iequals(token, "keep-alive")) keep_alive_token_ = true;
    });
  }
  return true;
}

// Where the body ends (RFC 9112 §6.3): none for 1xx, 204 and 304; chunked
// wins over Content-Length; no length means the close ends it.
ResponseParser::Result ResponseParser::body_begins() {
  int status = response_.status;
  if (status < 200) {
    if (status == 101) return fail("101 Switching Protocols: the server left HTTP/1.1");
    state_ = State::head;  // an interim response (100 Continue, 103): the real one follows
    started_ = false;
    return Result::need_more;
  }
  // Persistence (RFC 9112 §9.3): HTTP/1.1 stays open unless "close";
  // HTTP/1.0 closes unless "keep-alive".
  response_.keep_alive = !close_ && (version_minor_ >= 1 || keep_alive_token_);
  if (status == 204 || status == 304) return complete();
  if (chunked_) {
    state_ = State::chunk_size;
    remaining_ = 0;
    return Result::need_more;
  }
  if (!has_length_ || other_coding_) {
    response_.keep_alive = false;
    state_ = State::until_close;
    return Result::need_more;
  }
  if (remaining_ == 0) return complete();
  state_ = State::body;
  return Result::need_more;
}

// chunk-size [ chunk-ext ] (RFC 9112 §7.1); the extensions are ignored.
bool ResponseParser::read_chunk_size(std::string_view line) {
  uint64_t size = 0;
  size_t digits = 0;
  for (; digits < line.size(); ++digits) {
    char c = line[digits];
    int v = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
    if (v < 0) break;
    if (digits >= 15) return reject("chunk size too large");
    size = size * 16 + static_cast<uint64_t>(v);
  }
  std::string_view rest = trim(line.substr(digits));
  if (digits == 0 || (!rest.empty() && rest[0] != ';')) return reject("invalid chunk size");
  if (size == 0) {
    state_ = State::trailers;
    trailer_bytes_ = trailer_lines_ = 0;
  } else {
    state_ = State::chunk_data;
    remaining_ = size;
  }
  return true;
}

ResponseParser::Result ResponseParser::complete() {
  state_ = State::head;
  started_ = false;
  scanned_ = 0;
  return Result::response;
}

ResponseParser::Result ResponseParser::finish() {
  if (state_ == State::until_close) return complete();
  if (!in_progress()) return Result::need_more;
  return fail("the connection closed in the middle of a response");
}

}  // namespace muxd::loadgen
