#pragma once
// Validators and the conditional / range request logic of a static server:
// RFC 9110 §8.8 (validators), §13 (conditional requests), §14 (range requests).
// Pure functions over header values (as the parser gives them, OWS trimmed).
#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string_view>

namespace muxd::http {

inline constexpr size_t kEtagBufferSize = 48;

// What the response's ETag and Last-Modified say about the selected file.
struct Validators {
  uint64_t size;
  time_t mtime;           // seconds, as sent in Last-Modified
  std::string_view etag;  // strong, quoted, from format_etag
};

// Writes a strong ETag (§8.8.3) built from mtime (with nanoseconds), size and
// inode: "\"<mtime_ns>-<size>-<inode>\"", each in lower-case base 32 so the
// worst case (43 bytes) fits. NUL-terminated; returns the length without NUL.
size_t format_etag(const struct stat& st, char out[kEtagBufferSize]);

// For GET and HEAD: true when the answer is 304 Not Modified.
// §13.2.2: a present If-None-Match (§13.1.2: "*" or a list of entity-tags,
// weak comparison) decides alone; only without it is If-Modified-Since
// (§13.1.3: mtime not later than the date) evaluated. Malformed values are
// treated as not matching / ignored.
bool not_modified(std::string_view if_none_match, std::string_view if_modified_since,
                  const Validators& validators);

struct ByteRange {
  uint64_t first;
  uint64_t length;
};

struct RangeDecision {
  enum Kind : uint8_t { Full, Partial, Unsatisfiable } kind;
  ByteRange range;  // meaningful for Partial only
};

// For GET: what to send for a Range header (§14.2), given If-Range (§13.1.5).
// Partial (206) for exactly one byte range "bytes=first-last", "first-" or
// "-suffix", clamped to the file. Full (200) when Range is absent, malformed,
// not in bytes, holds several ranges (a server may ignore Range), or If-Range
// is present and is not our strong ETag nor a date equal to mtime.
// Unsatisfiable (416) when the range starts at or after the end, for "-0",
// and for any range of an empty file.
RangeDecision decide_range(std::string_view range, std::string_view if_range,
                           const Validators& validators);

}  // namespace muxd::http
