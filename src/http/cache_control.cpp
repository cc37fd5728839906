#include "http/cache_control.h"

#include <strings.h>

namespace muxd::http {

bool is_html_type(std::string_view content_type) {
  constexpr std::string_view html = "text/html";
  if (content_type.size() < html.size() || strncasecmp(content_type.data(), html.data(), html.size()) != 0) return false;
  return content_type.size() == html.size() || content_type[html.size()] == ';' || content_type[html.size()] == ' ';
}

std::string_view cache_control_for(std::string_view content_type, const std::string& configured) {
  if (!configured.empty()) return configured;
  return is_html_type(content_type) ? kHtmlCacheControl : kAssetCacheControl;
}

}  // namespace muxd::http
