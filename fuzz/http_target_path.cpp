// Fuzzes clean_target_path: whatever the input, an accepted path is absolute,
// clean (no dot-segments, no empty segments), free of NUL, controls and
// backslashes, no longer than the input, and both variants agree.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/target_path.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool has_segment(std::string_view path, std::string_view segment) {
  std::string inner = "/" + std::string(segment) + "/";
  std::string tail = "/" + std::string(segment);
  return path.find(inner) != std::string_view::npos || path.ends_with(tail);
}

void check_clean(std::string_view raw, const std::string& clean) {
  require(!clean.empty() && clean.front() == '/');
  require(clean.size() <= raw.size());
  require(!has_segment(clean, "..") && !has_segment(clean, "."));
  require(clean.find("//") == std::string::npos);
  for (char c : clean) {
    unsigned char byte = static_cast<unsigned char>(c);
    require(byte >= 0x20 && byte != 0x7f && byte != '\\');
  }
  // Without '%' left to decode, cleaning a clean path changes nothing.
  if (clean.find('%') == std::string::npos) {
    require(muxd::http::clean_target_path(clean) == clean);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  std::optional<std::string> clean = muxd::http::clean_target_path(raw);
  std::string reused = "stale";
  bool accepted = muxd::http::clean_target_path(raw, reused);
  require(accepted == clean.has_value());
  if (clean) {
    require(reused == *clean);
    check_clean(raw, *clean);
  }
  return 0;
}
