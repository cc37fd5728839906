#include "http/conditional.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "http/http_date.h"

namespace muxd::http {
namespace {

constexpr uint64_t kMaxPosition = std::numeric_limits<uint64_t>::max();

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

char* put_base32(char* out, uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuv";
  char reversed[13];  // 64 bits / 5 bits per digit, rounded up
  int count = 0;
  do {
    reversed[count++] = kDigits[value % 32];
    value /= 32;
  } while (value != 0);
  while (count > 0) *out++ = reversed[--count];
  return out;
}

}  // namespace

size_t format_etag(const struct stat& st, char out[kEtagBufferSize]) {
  // Nanoseconds tell apart two writes within one second; the inode tells
  // apart a file replaced (rename) by one of equal size and mtime.
  uint64_t mtime_ns = static_cast<uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u +
                      static_cast<uint64_t>(st.st_mtim.tv_nsec);
  char* p = out;
  *p++ = '"';
  p = put_base32(p, mtime_ns);
  *p++ = '-';
  p = put_base32(p, static_cast<uint64_t>(st.st_size));
  *p++ = '-';
  p = put_base32(p, static_cast<uint64_t>(st.st_ino));
  *p++ = '"';
  *p = '\0';
  return static_cast<size_t>(p - out);
}

namespace {

struct EntityTag {
  std::string_view opaque;  // with its quotes
  bool weak;
};

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE (§8.8.3); etagc is any visible
// byte but DQUOTE, obs-text included. Consumes it from the front of `in`.
std::optional<EntityTag> take_entity_tag(std::string_view& in) {
  bool weak = in.starts_with("W/");
  if (weak) in.remove_prefix(2);
  if (in.empty() || in.front() != '"') return std::nullopt;
  size_t close = 1;
  while (close < in.size() && in[close] != '"') {
    unsigned char c = static_cast<unsigned char>(in[close]);
    if (c < 0x21 || c == 0x7f) return std::nullopt;
    ++close;
  }
  if (close == in.size()) return std::nullopt;
  EntityTag tag{in.substr(0, close + 1), weak};
  in.remove_prefix(close + 1);
  return tag;
}

// §8.8.3.2 weak comparison: opaque-tags equal, W/ on either side ignored.
bool weak_match(const EntityTag& theirs, std::string_view our_etag) {
  std::optional<EntityTag> ours = take_entity_tag(our_etag);
  return ours && ours->opaque == theirs.opaque;
}

// §8.8.3.2 strong comparison: both strong and opaque-tags equal.
bool strong_match(const EntityTag& theirs, std::string_view our_etag) {
  std::optional<EntityTag> ours = take_entity_tag(our_etag);
  return ours && !ours->weak && !theirs.weak && ours->opaque == theirs.opaque;
}

// If-None-Match = "*" / #entity-tag (§13.1.2). A #list may hold empty
// elements (§5.6.1). A malformed list matches nothing, even in part.
bool none_match_fails(std::string_view header, std::string_view our_etag) {
  if (header == "*") return true;
  bool matched = false;
  std::string_view rest = header;
  while (true) {
    while (!rest.empty() && (is_ows(rest.front()) || rest.front() == ',')) rest.remove_prefix(1);
    if (rest.empty()) return matched;
    std::optional<EntityTag> tag = take_entity_tag(rest);
    if (!tag) return false;
    matched = matched || weak_match(*tag, our_etag);
    rest = trim_ows(rest);
    if (!rest.empty() && rest.front() != ',') return false;
  }
}

}  // namespace

bool not_modified(std::string_view if_none_match, std::string_view if_modified_since,
                  const Validators& validators) {
  if_none_match = trim_ows(if_none_match);
  if (!if_none_match.empty()) return none_match_fails(if_none_match, validators.etag);
  if_modified_since = trim_ows(if_modified_since);
  if (if_modified_since.empty()) return false;  // the common case: no date to parse
  std::optional<time_t> since = parse_http_date(if_modified_since);
  return since && validators.mtime <= *since;
}

namespace {

// If-Range = entity-tag / HTTP-date (§13.1.5): the range is honoured only
// when the representation is unchanged by a strong validator.
bool if_range_holds(std::string_view header, const Validators& validators) {
  if (header.starts_with('"') || header.starts_with("W/")) {
    std::optional<EntityTag> tag = take_entity_tag(header);
    return tag && header.empty() && strong_match(*tag, validators.etag);
  }
  std::optional<time_t> date = parse_http_date(header);
  return date && *date == validators.mtime;
}

// A byte position (§14.1.1: 1*DIGIT). Values beyond 64 bits saturate: they
// are past the end of any file, so the answer is the same.
std::optional<uint64_t> parse_position(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    value = value > (kMaxPosition - digit) / 10 ? kMaxPosition : value * 10 + digit;
  }
  return value;
}

// int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length.
// No `first` means a suffix range whose length is `last`.
struct RangeSpec {
  std::optional<uint64_t> first;
  std::optional<uint64_t> last;
};

std::optional<RangeSpec> parse_range_spec(std::string_view text) {
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view before = text.substr(0, dash);
  std::string_view after = text.substr(dash + 1);
  RangeSpec spec{parse_position(before), parse_position(after)};
  if (before.empty()) return spec.last ? std::optional(spec) : std::nullopt;
  if (!spec.first || (!after.empty() && !spec.last)) return std::nullopt;
  if (spec.last && *spec.last < *spec.first) return std::nullopt;  // invalid per §14.1.1
  return spec;
}

// Range unit names are case-insensitive (§14.1).
bool is_bytes_unit(std::string_view unit) {
  constexpr std::string_view kBytes = "bytes";
  return std::equal(unit.begin(), unit.end(), kBytes.begin(), kBytes.end(), [](char c, char lower) {
    return c == lower || c == lower - 'a' + 'A';
  });
}

// ranges-specifier = range-unit "=" range-set; range-set = 1#range-spec.
// nullopt when the header is to be ignored: another unit (§14.2 "MUST
// ignore"), a syntax error, or more than one range (we serve single ranges).
std::optional<RangeSpec> parse_single_byte_range(std::string_view header) {
  size_t equals = header.find('=');
  if (equals == std::string_view::npos || !is_bytes_unit(header.substr(0, equals))) {
    return std::nullopt;
  }
  std::optional<RangeSpec> found;
  std::string_view rest = header.substr(equals + 1);
  while (!rest.empty()) {
    size_t comma = std::min(rest.find(','), rest.size());
    std::string_view element = trim_ows(rest.substr(0, comma));
    rest.remove_prefix(std::min(comma + 1, rest.size()));
    if (element.empty()) continue;  // §5.6.1 empty list elements
    if (found) return std::nullopt;
    found = parse_range_spec(element);
    if (!found) return std::nullopt;
  }
  return found;
}

// §14.1.1 satisfiability and clamping against the representation's size.
RangeDecision resolve_range(const RangeSpec& spec, uint64_t size) {
  constexpr RangeDecision kUnsatisfiable{RangeDecision::Unsatisfiable, {0, 0}};
  if (!spec.first) {
    uint64_t length = std::min(*spec.last, size);
    if (length == 0) return kUnsatisfiable;  // "-0", or an empty file
    return {RangeDecision::Partial, {size - length, length}};
  }
  if (*spec.first >= size) return kUnsatisfiable;
  uint64_t last = std::min(spec.last.value_or(kMaxPosition), size - 1);
  return {RangeDecision::Partial, {*spec.first, last - *spec.first + 1}};
}

}  // namespace

RangeDecision decide_range(std::string_view range, std::string_view if_range,
                           const Validators& validators) {
  const RangeDecision kFull{RangeDecision::Full, {0, validators.size}};
  range = trim_ows(range);
  if_range = trim_ows(if_range);
  if (range.empty()) return kFull;
  // §13.1.5: If-Range is evaluated only with a Range; false means "send all".
  if (!if_range.empty() && !if_range_holds(if_range, validators)) return kFull;
  std::optional<RangeSpec> spec = parse_single_byte_range(range);
  return spec ? resolve_range(*spec, validators.size) : kFull;
}

}  // namespace muxd::http
