#include "http/site_flags.h"

#include <strings.h>

#include <fmt/core.h>

#include "http/extra_headers.h"
#include "http/cors.h"
#include "http/target_path.h"

namespace muxd::http {

std::optional<SiteExtras> make_site_extras(const SiteFlags& flags, std::string* error) {
  SiteExtras extras;
  extras.dir_listing = flags.dir_listing;
  if (!flags.spa.empty()) {
    std::string path = flags.spa.front() == '/' ? flags.spa : "/" + flags.spa;
    std::optional<std::string> clean = clean_target_path(path);
    if (!clean || clean->back() == '/') {
      *error = fmt::format("--spa {}: not a file path inside the root", flags.spa);
      return std::nullopt;
    }
    extras.spa_path = *clean;
  }
  for (const std::string& header : flags.headers) {
    std::string why;
    std::optional<std::string> line = parse_header_flag(header, &why);
    if (!line) {
      *error = fmt::format("--header '{}': {}", header, why);
      return std::nullopt;
    }
    std::string_view name = std::string_view(header).substr(0, header.find(':'));
    if (name.size() == 4 && strncasecmp(name.data(), "vary", 4) == 0) {
      // One Vary line per response (vary.h): the operator's fields join muxd's.
      std::string_view value = std::string_view(*line).substr(6, line->size() - 8);  // "Vary: " ... "\r\n"
      if (!value.empty()) extras.vary.append(extras.vary.empty() ? "" : ", ").append(value);
      continue;
    }
    extras.extra_headers += *line;
  }
  if (!flags.cors.empty() && !valid_cors_origin(flags.cors)) {
    *error = fmt::format("--cors {}: expected * or an origin such as https://app.example:8443", flags.cors);
    return std::nullopt;
  }
  extras.cors_origin = flags.cors;
  if (!is_field_value(flags.cache_control)) {
    *error = "--cache-control: the value holds a control character (CR, LF, NUL, ...)";
    return std::nullopt;
  }
  extras.cache_control = flags.cache_control;
  return extras;
}

bool apply_site_flags(const SiteFlags& flags, const std::string& root_flag, HttpConfig& config) {
  if (!flags.dir.empty() && !root_flag.empty()) {
    fmt::print(stderr, "muxd http: give the directory either as DIR ({}) or with --root ({}), not both\n",
               flags.dir, root_flag);
    return false;
  }
  config.root = flags.dir.empty() ? root_flag : flags.dir;
  std::string error;
  std::optional<SiteExtras> extras = make_site_extras(flags, &error);
  if (!extras) {
    fmt::print(stderr, "muxd http: {}\n", error);
    return false;
  }
  config.extras = std::move(*extras);
  return true;
}

}  // namespace muxd::http
