#pragma once
// Content-Type for a static file, chosen from its extension.
#include <string_view>

namespace muxd::http {

inline constexpr std::string_view kDefaultMimeType = "application/octet-stream";

// Case-insensitive on the extension of the last path segment. Text types carry
// "; charset=utf-8". No extension, a dotfile (".env") or an unknown extension
// gives application/octet-stream. Returns a static string; never allocates.
std::string_view mime_type_for(std::string_view path);

}  // namespace muxd::http
