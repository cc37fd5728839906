#include "http/target_path.h"

#include "http/hex_digit.h"

namespace muxd::http {
namespace {

// Bytes that must never reach the filesystem: controls (NUL included) could
// truncate or confuse paths and logs; '\\' is a separator on other systems.
bool forbidden_byte(unsigned char c) {
  return c < 0x20 || c == 0x7f || c == '\\';
}

// Appends the percent-decoded `segment` (RFC 3986 §2.1) to `out`. A decoded '/'
// is refused: it would let one segment smuggle a separator past dot removal.
bool append_decoded(std::string_view segment, std::string& out) {
  for (size_t i = 0; i < segment.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(segment[i]);
    if (c == '%') {
      if (i + 2 >= segment.size()) return false;  // needs two hex digits
      int high = hex_value(segment[i + 1]);
      int low = hex_value(segment[i + 2]);
      if (high < 0 || low < 0) return false;
      c = static_cast<unsigned char>(high * 16 + low);
      if (c == '/') return false;
      i += 2;
    }
    if (forbidden_byte(c)) return false;
    out.push_back(static_cast<char>(c));
  }
  return true;
}

// Drops the last segment of `out` ("/a/b/" -> "/a/"); false at the root.
bool pop_segment(std::string& out) {
  if (out.size() == 1) return false;
  out.resize(out.rfind('/', out.size() - 2) + 1);
  return true;
}

}  // namespace

// One pass over the raw segments. `out` ends with '/' whenever a new segment
// may be appended, so "." and empty segments simply leave nothing behind.
bool clean_target_path(std::string_view raw_path, std::string& out, size_t max_len) {
  if (raw_path.empty() || raw_path[0] != '/' || raw_path.size() > max_len) return false;
  out.assign(1, '/');
  size_t pos = 1;
  while (pos <= raw_path.size()) {
    size_t end = raw_path.find('/', pos);
    if (end == std::string_view::npos) end = raw_path.size();
    size_t start = out.size();
    if (!append_decoded(raw_path.substr(pos, end - pos), out)) return false;
    std::string_view segment(out.data() + start, out.size() - start);
    if (segment.empty() || segment == "." || segment == "..") {
      bool climbs = segment == "..";
      out.resize(start);
      if (climbs && !pop_segment(out)) return false;
    } else if (end < raw_path.size()) {
      out.push_back('/');
    }
    pos = end + 1;
  }
  return true;
}

std::optional<std::string> clean_target_path(std::string_view raw_path, size_t max_len) {
  std::string out;
  out.reserve(raw_path.size());
  if (!clean_target_path(raw_path, out, max_len)) return std::nullopt;
  return out;
}

bool is_hidden_path(std::string_view clean_path) {
  constexpr std::string_view well_known = "/.well-known";
  if (clean_path.starts_with(well_known) &&
      (clean_path.size() == well_known.size() || clean_path[well_known.size()] == '/'))
    clean_path.remove_prefix(well_known.size());
  for (size_t slash = clean_path.find('/'); slash != std::string_view::npos; slash = clean_path.find('/', slash + 1))
    if (slash + 1 < clean_path.size() && clean_path[slash + 1] == '.') return true;
  return false;
}

}  // namespace muxd::http
