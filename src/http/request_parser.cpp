#include "http/request_parser.h"

#include <bit>
#include <cstring>
#include <iterator>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace muxd::http {
namespace {

using CharSet = std::array<uint8_t, 256>;  // 1 for members

constexpr CharSet letters_digits_and(std::string_view symbols) {
  CharSet set{};
  for (unsigned c = 'a'; c <= 'z'; ++c) set[c] = set[c - 'a' + 'A'] = 1;
  for (unsigned c = '0'; c <= '9'; ++c) set[c] = 1;
  for (char c : symbols) set[static_cast<unsigned char>(c)] = 1;
  return set;
}

// RFC 9110 §5.6.2: tchar.
constexpr CharSet kTokenChars = letters_digits_and("!#$%&'*+-.^_`|~");
// RFC 3986 §3.2.2-§3.2.3: reg-name, IP-literal and port characters.
constexpr CharSet kHostChars = letters_digits_and("-._~!$&'()*+,;=%:[]");

unsigned token_bit(char c) { return kTokenChars[static_cast<unsigned char>(c)]; }

// Four lookups per step (independent loads, one branch) while they all pass.
const char* skip_token(const char* p, const char* end) {
  while (end - p >= 4 && (token_bit(p[0]) & token_bit(p[1]) & token_bit(p[2]) & token_bit(p[3])) != 0) p += 4;
  while (p < end && token_bit(*p) != 0) ++p;
  return p;
}

// Eight bytes at a time (SWAR). A mask flags the bytes of a word that stop a
// scan; the bit trick below may flag extra bytes, but only above a true one,
// so on a little-endian machine the lowest flag is exact.
static_assert(std::endian::native == std::endian::little, "the word scanners assume little-endian");

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;

uint64_t load_word(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}
uint64_t bytes_below(uint64_t word, uint8_t n) { return (word - kOnes * n) & ~word & kHighBits; }  // n <= 128
uint64_t bytes_equal(uint64_t word, uint8_t c) { return bytes_below(word ^ (kOnes * c), 1); }

template <typename StopMask, typename Stops>
const char* skip_until(const char* p, const char* end, StopMask stop_mask, Stops stops) {
  for (; end - p >= 8; p += 8) {
    if (uint64_t mask = stop_mask(load_word(p)); mask != 0) return p + std::countr_zero(mask) / 8;
  }
  while (p < end && !stops(static_cast<unsigned char>(*p))) ++p;
  return p;
}

// Stops at controls (HTAB, CR and LF included) and DEL: of these a line may
// hold only HTAB (RFC 9110 §5.5), and CR LF or LF to end it (RFC 9112 §2.2).
// This scan covers every byte of the head, so it takes 16 at a time where
// SSE2 exists (all of x86-64): the browser-request benchmark then runs ~20%
// faster than with the word loop alone.
const char* skip_plain_bytes(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i last_control = _mm_set1_epi8(0x1f);
  const __m128i del = _mm_set1_epi8(0x7f);
  for (; end - p >= 16; p += 16) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, last_control), bytes);
    int stops = _mm_movemask_epi8(_mm_or_si128(control, _mm_cmpeq_epi8(bytes, del)));
    if (stops != 0) return p + std::countr_zero(static_cast<unsigned>(stops));
  }
#endif
  return skip_until(
      p, end, [](uint64_t w) { return bytes_below(w, 0x20) | bytes_equal(w, 0x7f); },
      [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// Stops at what no URI holds (RFC 3986 §2): SP, controls, DEL, non-ASCII.
const char* skip_target_bytes(const char* p, const char* end) {
  return skip_until(
      p, end, [](uint64_t w) { return bytes_below(w, 0x21) | (w & kHighBits) | bytes_equal(w, 0x7f); },
      [](unsigned char c) { return c <= 0x20 || c >= 0x7f; });
}

// Case-insensitive match against a lowercase literal. OR-ing 0x20 folds only
// ASCII letters onto the literal's characters once controls are excluded
// (which every caller's input already is): no other byte lands on a
// lowercase letter, and only CR lands on '-'.
bool iequals(std::string_view text, std::string_view lowercase) {
  if (text.size() != lowercase.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((text[i] | 0x20) != lowercase[i]) return false;
  }
  return true;
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) {
  size_t begin = 0;
  size_t end = s.size();
  while (begin < end && is_ows(s[begin])) ++begin;
  while (end > begin && is_ows(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

// The elements of a comma-separated list (RFC 9110 §5.6.1), OWS trimmed,
// empty elements skipped.
class ListElements {
 public:
  explicit ListElements(std::string_view list) : rest_(list) {}
  bool next(std::string_view& element) {
    while (!rest_.empty()) {
      size_t comma = rest_.find(',');
      element = trim_ows(rest_.substr(0, comma));
      rest_ = comma == std::string_view::npos ? std::string_view{} : rest_.substr(comma + 1);
      if (!element.empty()) return true;
    }
    return false;
  }

 private:
  std::string_view rest_;
};

// 1*DIGIT; false on anything else and on overflow.
bool parse_decimal(std::string_view digits, uint64_t& value) {
  if (digits.empty()) return false;
  value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    unsigned digit = static_cast<unsigned>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  return true;
}

bool is_valid_host(std::string_view host) {
  for (char c : host) {
    if (kHostChars[static_cast<unsigned char>(c)] == 0) return false;
  }
  return true;
}

// RFC 9110 §9.1: methods are case-sensitive.
Method method_from_token(std::string_view token) {
  switch (token.size()) {
    case 3: return token == "GET" ? Method::Get : token == "PUT" ? Method::Put : Method::Unknown;
    case 4: return token == "HEAD" ? Method::Head : token == "POST" ? Method::Post : Method::Unknown;
    case 5: return token == "TRACE" ? Method::Trace : token == "PATCH" ? Method::Patch : Method::Unknown;
    case 6: return token == "DELETE" ? Method::Delete : Method::Unknown;
    case 7:
      return token == "OPTIONS" ? Method::Options : token == "CONNECT" ? Method::Connect : Method::Unknown;
    default: return Method::Unknown;
  }
}

// RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive.
// Well-formed but other than 1.0 / 1.1: 505 (RFC 9110 §15.6.6).
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int parse_version(std::string_view text, int& minor_version) {
  if (text.size() != 8 || text.substr(0, 5) != "HTTP/" || !is_digit(text[5]) || text[6] != '.' ||
      !is_digit(text[7])) {
    return 400;
  }
  if (text[5] != '1' || text[7] > '1') return 505;
  minor_version = text[7] - '0';
  return 0;
}

void split_path_and_query(std::string_view path_and_query, Request& out) {
  size_t question = path_and_query.find('?');
  out.path = path_and_query.substr(0, question);
  out.query = question == std::string_view::npos ? std::string_view{} : path_and_query.substr(question + 1);
}

// RFC 9112 §3.2.2 absolute-form, limited to the http and https schemes, whose
// authority must be a non-empty host (RFC 9110 §4.2.1-§4.2.2) without
// userinfo (§4.2.4 asks recipients to treat userinfo as an error).
bool parse_absolute_form(std::string_view target, Request& out) {
  size_t scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return false;
  std::string_view scheme = target.substr(0, scheme_end);
  if (!iequals(scheme, "http") && !iequals(scheme, "https")) return false;
  std::string_view rest = target.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  if (authority.empty() || !is_valid_host(authority)) return false;
  out.host = authority;
  std::string_view path_and_query = rest.substr(authority.size());
  split_path_and_query(path_and_query, out);
  if (out.path.empty()) out.path = "/";
  return true;
}

// Field by field: a whole `out = Request{}` would also wipe the header slots.
void clear(Request& out) {
  for (std::string_view* view : {&out.method_text, &out.target, &out.path, &out.query, &out.host,
                                 &out.if_none_match, &out.if_modified_since, &out.range, &out.if_range}) {
    *view = {};
  }
  out.method = Method::Unknown;
  out.minor_version = 1;
  out.keep_alive = true;
  out.body = BodyFraming::None;
  out.content_length = 0;
  out.header_count = 0;
  out.head_size = 0;
}

void keep_first(std::string_view& field, std::string_view value) {
  if (field.empty()) field = value;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view method_name(Method method) {
  static constexpr std::string_view kNames[] = {"GET",   "HEAD",    "POST",  "PUT",    "DELETE",
                                                "OPTIONS", "TRACE", "CONNECT", "PATCH", "UNKNOWN"};
  auto index = static_cast<size_t>(method);
  return index < std::size(kNames) ? kNames[index] : "UNKNOWN";
}

std::string_view Request::header(std::string_view name) const {
  for (const Header& field : headers()) {
    if (equals_ignoring_case(field.name, name)) return field.value;
  }
  return {};
}

RequestParser::RequestParser(const ParserLimits& limits) : limits_(limits) {
  if (limits_.max_headers > Request::kMaxHeaders) limits_.max_headers = Request::kMaxHeaders;
}

void RequestParser::reset() {
  stage_ = Stage::Idle;
  base_ = nullptr;
  out_ = nullptr;
}

void RequestParser::begin(std::string_view data, Request& out) {
  stage_ = Stage::RequestLine;
  base_ = data.data();
  out_ = &out;
  line_start_ = scan_offset_ = 0;
  host_count_ = 0;
  host_from_target_ = has_content_length_ = has_transfer_encoding_ = has_chunked_ = false;
  connection_close_ = connection_keep_alive_ = false;
  line_flaw_ = nullptr;
  clear(out);
}

// Lines are handled as soon as their LF arrives (RFC 9112 §2.2: CRLF, or a
// bare LF, ends a line; a CR before the LF belongs to the terminator), so
// each byte is searched once and parsed once however the input is split.
ParseResult RequestParser::parse(std::string_view data, Request& out) {
  if (stage_ == Stage::Idle || data.data() != base_ || &out != out_) begin(data, out);
  while (stage_ != Stage::Done) {
    const char* lf = find_line_end(data);
    if (lf == nullptr) {
      Problem problem = check_limits(data.size() - line_start_, data.size(), false);
      if (problem.status != 0) return finish(problem);
      return {ParseResult::Incomplete, 0, nullptr};
    }
    size_t line_end = static_cast<size_t>(lf - data.data());
    std::string_view line = data.substr(line_start_, line_end - line_start_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    Problem problem = parse_line(line, line_end + 1, out);
    line_start_ = scan_offset_ = line_end + 1;
    line_flaw_ = nullptr;
    if (problem.status != 0 || stage_ == Stage::Done) return finish(problem);
  }
  return outcome_;
}

// Finds the LF that ends the current line, noting on the way the first byte
// that no line may hold: a control other than HTAB, DEL, or a CR that is not
// part of a CR LF (RFC 9112 §2.2). Such a line is refused once complete.
const char* RequestParser::find_line_end(std::string_view data) {
  const char* p = data.data() + scan_offset_;
  const char* end = data.data() + data.size();
  while ((p = skip_plain_bytes(p, end)) != end) {
    if (*p == '\n') return p;
    if (*p == '\r') {
      if (p + 1 == end) break;  // its LF may be next: look again then
      if (p[1] == '\n') return p + 1;
    }
    if (*p != '\t' && line_flaw_ == nullptr) line_flaw_ = *p == '\r' ? "bare CR" : "control character";
    ++p;
  }
  scan_offset_ = static_cast<size_t>(p - data.data());
  return nullptr;
}

ParseResult RequestParser::finish(Problem problem) {
  stage_ = Stage::Done;
  outcome_ = problem.status == 0 ? ParseResult{ParseResult::Complete, 0, nullptr}
                                 : ParseResult{ParseResult::Error, problem.status, problem.reason};
  return outcome_;
}

// Checks a line against the size limits before looking inside it. A line
// still waiting for its LF may already hold the CR, hence the + 1.
auto RequestParser::check_limits(size_t line_length, size_t stream_end, bool complete) const -> Problem {
  size_t allowed = limits_.max_request_line + (complete ? 0 : 1);
  bool line_too_long = stage_ == Stage::RequestLine && line_length > allowed;
  bool head_too_big = stream_end > limits_.max_head_bytes;
  if (line_too_long && head_too_big) {
    // Name the limit a byte-at-a-time sender would have crossed first, so
    // that the verdict never depends on how the input was split.
    head_too_big = limits_.max_head_bytes < line_start_ + limits_.max_request_line + 1;
    line_too_long = !head_too_big;
  }
  if (line_too_long) return {414, "request line too long"};
  if (head_too_big) return {431, "request head too large"};
  return {};
}

auto RequestParser::parse_line(std::string_view line, size_t line_end, Request& out) -> Problem {
  if (Problem problem = check_limits(line.size(), line_end, true); problem.status != 0) return problem;
  if (line_flaw_ != nullptr) return {400, line_flaw_};
  if (stage_ == Stage::RequestLine) {
    if (line.empty()) return {};  // RFC 9112 §2.2: empty lines before the request-line are ignored
    stage_ = Stage::Headers;
    return parse_request_line(line, out);
  }
  if (!line.empty()) return parse_header_line(line, out);
  out.head_size = line_end;
  stage_ = Stage::Done;
  return end_of_head(out);
}

// RFC 9112 §3: request-line = method SP request-target SP HTTP-version.
auto RequestParser::parse_request_line(std::string_view line, Request& out) -> Problem {
  const char* end = line.data() + line.size();
  const char* method_end = skip_token(line.data(), end);
  if (method_end == line.data() || method_end == end || *method_end != ' ') return {400, "invalid method"};
  out.method_text = {line.data(), static_cast<size_t>(method_end - line.data())};
  out.method = method_from_token(out.method_text);
  const char* target_begin = method_end + 1;
  const char* target_end = skip_target_bytes(target_begin, end);
  if (target_end == target_begin || target_end == end || *target_end != ' ') {
    return {400, "invalid request target"};
  }
  out.target = {target_begin, static_cast<size_t>(target_end - target_begin)};
  std::string_view version(target_end + 1, static_cast<size_t>(end - target_end - 1));
  if (int status = parse_version(version, out.minor_version); status != 0) {
    return {status, status == 505 ? "HTTP version not supported" : "invalid HTTP version"};
  }
  return parse_target(out);
}

// RFC 9112 §3.2: origin-form, absolute-form, and asterisk-form for OPTIONS;
// authority-form (CONNECT only) is not served.
auto RequestParser::parse_target(Request& out) -> Problem {
  std::string_view target = out.target;
  if (target.front() == '/') {
    split_path_and_query(target, out);
    return {};
  }
  if (target == "*") {
    if (out.method != Method::Options) return {400, "asterisk-form target outside OPTIONS"};
    out.path = target;
    return {};
  }
  if (!parse_absolute_form(target, out)) return {400, "unsupported request target"};
  host_from_target_ = true;
  return {};
}

// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS.
auto RequestParser::parse_header_line(std::string_view line, Request& out) -> Problem {
  // §5.2 obs-fold, and §2.2 whitespace before the first field: both refused.
  if (line.front() == ' ' || line.front() == '\t') return {400, "header line starts with whitespace"};
  if (out.header_count == limits_.max_headers) return {431, "too many header fields"};
  const char* end = line.data() + line.size();
  const char* colon = skip_token(line.data(), end);
  if (colon == end || *colon != ':') {
    bool space = colon != end && (*colon == ' ' || *colon == '\t');
    return {400, space ? "whitespace before header colon" : "invalid header name"};  // §5.1
  }
  if (colon == line.data()) return {400, "empty header name"};
  std::string_view name(line.data(), static_cast<size_t>(colon - line.data()));
  std::string_view value = trim_ows({colon + 1, static_cast<size_t>(end - colon - 1)});
  out.header_slots[out.header_count++] = {name, value};
  return apply_known_header(name, value, out);
}

// Only the fields that framing, routing and caching need are interpreted;
// dispatching on the name's length keeps the others to one comparison.
auto RequestParser::apply_known_header(std::string_view name, std::string_view value, Request& out) -> Problem {
  switch (name.size()) {
    case 4:
      if (iequals(name, "host")) return apply_host(value, out);
      break;
    case 5:
      if (iequals(name, "range")) keep_first(out.range, value);
      break;
    case 8:
      if (iequals(name, "if-range")) keep_first(out.if_range, value);
      break;
    case 10:
      if (iequals(name, "connection")) apply_connection(value);
      break;
    case 13:
      if (iequals(name, "if-none-match")) keep_first(out.if_none_match, value);
      break;
    case 14:
      if (iequals(name, "content-length")) return apply_content_length(value, out);
      break;
    case 17:
      if (iequals(name, "transfer-encoding")) return apply_transfer_encoding(value);
      if (iequals(name, "if-modified-since")) keep_first(out.if_modified_since, value);
      break;
    default: break;
  }
  return {};
}

// RFC 9112 §3.2: exactly one Host, whose value is uri-host [":" port]
// (RFC 9110 §7.2). An absolute-form target's authority takes precedence.
auto RequestParser::apply_host(std::string_view value, Request& out) -> Problem {
  if (++host_count_ > 1) return {400, "more than one Host header"};
  if (!is_valid_host(value)) return {400, "invalid Host header"};
  if (!host_from_target_) out.host = value;
  return {};
}

// RFC 9112 §6.3 and RFC 9110 §8.6: Content-Length = 1*DIGIT. Repeated
// identical values (several fields, or one comma-joined list) are accepted;
// anything that two parsers could read differently is refused, being the
// raw material of request smuggling.
auto RequestParser::apply_content_length(std::string_view value, Request& out) -> Problem {
  ListElements elements(value);
  std::string_view element;
  bool any = false;
  while (elements.next(element)) {
    uint64_t length = 0;
    if (!parse_decimal(element, length)) return {400, "invalid Content-Length"};
    if (has_content_length_ && length != out.content_length) return {400, "conflicting Content-Length"};
    has_content_length_ = any = true;
    out.content_length = length;
  }
  return any ? Problem{} : Problem{400, "empty Content-Length"};
}

// RFC 9112 §6.1: the only coding implemented is chunked (others: 501), and
// it may be applied once, last; so every element must be that single chunked.
auto RequestParser::apply_transfer_encoding(std::string_view value) -> Problem {
  has_transfer_encoding_ = true;
  ListElements elements(value);
  std::string_view element;
  bool any = false;
  while (elements.next(element)) {
    any = true;
    if (!iequals(element, "chunked")) return {501, "unsupported transfer coding"};
    if (has_chunked_) return {400, "chunked applied more than once"};
    has_chunked_ = true;
  }
  return any ? Problem{} : Problem{400, "empty Transfer-Encoding"};
}

// RFC 9110 §7.6.1: a list of case-insensitive connection options.
void RequestParser::apply_connection(std::string_view value) {
  ListElements elements(value);
  std::string_view element;
  while (elements.next(element)) {
    if (iequals(element, "close")) connection_close_ = true;
    if (iequals(element, "keep-alive")) connection_keep_alive_ = true;
  }
}

auto RequestParser::end_of_head(Request& out) const -> Problem {
  if (out.minor_version == 1 && host_count_ == 0) return {400, "missing Host header"};  // RFC 9112 §3.2
  if (has_transfer_encoding_) {
    // RFC 9112 §6.1: framing of a 1.0 message with Transfer-Encoding is faulty.
    if (out.minor_version == 0) return {400, "Transfer-Encoding in HTTP/1.0"};
    // §6.3 (3): both headers is the classic smuggling shape.
    if (has_content_length_) return {400, "both Transfer-Encoding and Content-Length"};
    out.body = BodyFraming::Chunked;
    out.content_length = 0;
  } else if (has_content_length_) {
    if (out.content_length > limits_.max_body_bytes) return {413, "request body too large"};
    out.body = BodyFraming::Length;
  }
  // RFC 9112 §9.3: 1.1 persists unless "close"; 1.0 only with "keep-alive".
  out.keep_alive = !connection_close_ && (out.minor_version == 1 || connection_keep_alive_);
  return {};
}

}  // namespace muxd::http
