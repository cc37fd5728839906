#pragma once
// Turns the path of a request-target into a clean absolute path that is safe
// to look up beneath a document root, or refuses it.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace muxd::http {

inline constexpr size_t kMaxTargetPathLength = 4096;

// Percent-decodes `raw_path` (the path component, query already split off) and
// removes dot-segments (RFC 3986 §5.2.4); runs of '/' collapse into one.
// The result starts with '/', never contains "." or ".." segments, and keeps a
// trailing '/' ("/a/b/", "/a/." and "/a/b/.." all end with "/").
// Refused (nullopt): a path not starting with '/', longer than max_len, with a
// bad % escape, a control character or NUL after decoding, '\\' raw or encoded,
// an encoded '/' (%2F), or ".." segments that would climb above the root.
std::optional<std::string> clean_target_path(std::string_view raw_path,
                                             size_t max_len = kMaxTargetPathLength);

// Same, writing into `out` (its capacity is reused: no allocation once warm).
// Returns false when refused; `out` is then unspecified.
bool clean_target_path(std::string_view raw_path, std::string& out,
                       size_t max_len = kMaxTargetPathLength);

// Dotfiles: true when a segment of the clean path starts with '.' (".env",
// "/.git/config", "/a/.htpasswd"), except under "/.well-known/" (RFC 8615:
// the one dot-name the web defines for servers to publish).
bool is_hidden_path(std::string_view clean_path);

}  // namespace muxd::http
