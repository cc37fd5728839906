#pragma once
// Cache-Control (RFC 9111 §5.2.2) for what muxd http serves from files:
//   - HTML (text/html): "no-cache": caches keep it but revalidate every use
//     (a cheap 304 thanks to ETag / Last-Modified), so a new deploy shows at once;
//   - everything else: "public, max-age=3600": an hour without asking.
// `--cache-control VALUE` replaces both with VALUE. Errors and redirects get
// none (RFC 9111 §4.2.2 heuristics apply, as with nginx's defaults).
#include <string>
#include <string_view>

namespace muxd::http {

inline constexpr std::string_view kHtmlCacheControl = "no-cache";
inline constexpr std::string_view kAssetCacheControl = "public, max-age=3600";

bool is_html_type(std::string_view content_type);

// The Cache-Control value for a file of this Content-Type; `configured` (the
// --cache-control flag) wins when not empty.
std::string_view cache_control_for(std::string_view content_type, const std::string& configured);

}  // namespace muxd::http
