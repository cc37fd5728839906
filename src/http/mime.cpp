#include "http/mime.h"

#include <algorithm>
#include <array>
#include <cstddef>

namespace muxd::http {
namespace {

struct MimeEntry {
  std::string_view extension;  // lower case, without the dot
  std::string_view type;
};

// Text types declare UTF-8 so browsers do not guess (RFC 9110 §8.3.2). JS is
// text/javascript per RFC 9239; application/json takes no charset (RFC 8259
// §11) but naming it is harmless and helps old clients.
constexpr std::array kMimeTable{
    MimeEntry{"html", "text/html; charset=utf-8"},
    MimeEntry{"htm", "text/html; charset=utf-8"},
    MimeEntry{"css", "text/css; charset=utf-8"},
    MimeEntry{"js", "text/javascript; charset=utf-8"},
    MimeEntry{"mjs", "text/javascript; charset=utf-8"},
    MimeEntry{"json", "application/json; charset=utf-8"},
    MimeEntry{"map", "application/json; charset=utf-8"},
    MimeEntry{"webmanifest", "application/manifest+json; charset=utf-8"},
    MimeEntry{"txt", "text/plain; charset=utf-8"},
    MimeEntry{"log", "text/plain; charset=utf-8"},
    MimeEntry{"md", "text/markdown; charset=utf-8"},
    MimeEntry{"csv", "text/csv; charset=utf-8"},
    MimeEntry{"xml", "application/xml; charset=utf-8"},
    MimeEntry{"xhtml", "application/xhtml+xml; charset=utf-8"},
    MimeEntry{"rss", "application/rss+xml; charset=utf-8"},
    MimeEntry{"atom", "application/atom+xml; charset=utf-8"},
    MimeEntry{"svg", "image/svg+xml; charset=utf-8"},
    MimeEntry{"png", "image/png"},
    MimeEntry{"jpg", "image/jpeg"},
    MimeEntry{"jpeg", "image/jpeg"},
    MimeEntry{"gif", "image/gif"},
    MimeEntry{"webp", "image/webp"},
    MimeEntry{"avif", "image/avif"},
    MimeEntry{"ico", "image/x-icon"},
    MimeEntry{"bmp", "image/bmp"},
    MimeEntry{"tif", "image/tiff"},
    MimeEntry{"tiff", "image/tiff"},
    MimeEntry{"wasm", "application/wasm"},
    MimeEntry{"pdf", "application/pdf"},
    MimeEntry{"mp4", "video/mp4"},
    MimeEntry{"m4v", "video/mp4"},
    MimeEntry{"webm", "video/webm"},
    MimeEntry{"ogv", "video/ogg"},
    MimeEntry{"mov", "video/quicktime"},
    MimeEntry{"mp3", "audio/mpeg"},
    MimeEntry{"m4a", "audio/mp4"},
    MimeEntry{"ogg", "audio/ogg"},
    MimeEntry{"oga", "audio/ogg"},
    MimeEntry{"opus", "audio/ogg"},
    MimeEntry{"wav", "audio/wav"},
    MimeEntry{"flac", "audio/flac"},
    MimeEntry{"woff", "font/woff"},
    MimeEntry{"woff2", "font/woff2"},
    MimeEntry{"ttf", "font/ttf"},
    MimeEntry{"otf", "font/otf"},
    MimeEntry{"zip", "application/zip"},
    MimeEntry{"gz", "application/gzip"},
    MimeEntry{"tgz", "application/gzip"},
    MimeEntry{"tar", "application/x-tar"},
    MimeEntry{"bz2", "application/x-bzip2"},
    MimeEntry{"xz", "application/x-xz"},
    MimeEntry{"zst", "application/zstd"},
    MimeEntry{"7z", "application/x-7z-compressed"},
};

constexpr size_t longest_extension() {
  size_t longest = 0;
  for (const MimeEntry& entry : kMimeTable) longest = std::max(longest, entry.extension.size());
  return longest;
}
constexpr size_t kLongestExtension = longest_extension();

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// The extension of the last segment, or empty for none and for dotfiles.
std::string_view extension_of(std::string_view path) {
  std::string_view name = path.substr(path.rfind('/') + 1);  // npos + 1 == 0
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  return name.substr(dot + 1);
}

}  // namespace

std::string_view mime_type_for(std::string_view path) {
  std::string_view extension = extension_of(path);
  if (extension.empty() || extension.size() > kLongestExtension) return kDefaultMimeType;
  char lower[kLongestExtension];
  for (size_t i = 0; i < extension.size(); ++i) lower[i] = to_lower(extension[i]);
  std::string_view key(lower, extension.size());
  for (const MimeEntry& entry : kMimeTable) {
    if (entry.extension == key) return entry.type;
  }
  return kDefaultMimeType;
}

}  // namespace muxd::http
