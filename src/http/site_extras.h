#pragma once
// What `muxd http` adds to a plain static site, all off by default: listings
// (dir_listing.h), the SPA fallback, extra response fields (extra_headers.h),
// CORS (cors.h) and Cache-Control (cache_control.h). Validated by the command
// line before the server starts; docs/http-site.md is the user's reference.
#include <string>

namespace muxd::http {

struct SiteExtras {
  bool dir_listing = false;   // --dir-listing
  std::string spa_path;       // --spa FILE as a clean path ("/index.html"); empty: off
  std::string extra_headers;  // --header lines, each "Name: value\r\n", validated
  std::string vary;           // --header 'Vary: ...' values, joined into muxd's one Vary line (vary.h)
  std::string cors_origin;    // --cors: "*" or an origin; empty: off
  std::string cache_control;  // --cache-control: empty for the per-type defaults
};

}  // namespace muxd::http
