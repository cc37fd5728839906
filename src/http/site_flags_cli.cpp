// add_site_flags apart from site_flags.cpp: the unit tests check the flags
// without linking the command line's validators (src/cli).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "http/site_flags.h"

namespace muxd::http {

void add_site_flags(CLI::App& http, SiteFlags& flags) {
  http.add_option("DIR", flags.dir, "Directory to serve, as --root (default: the bundled site)")
      ->check(directory_check());
  http.add_flag("--dir-listing", flags.dir_listing,
                "List directories without index.html (HTML, or JSON for Accept: application/json)");
  http.add_option("--spa", flags.spa,
                  "Single-page app: unknown paths asked for as text/html get FILE (default index.html) with 200; "
                  "write --spa=FILE when DIR follows")
      ->expected(0, 1)
      ->default_str("index.html");
  http.add_option("--header", flags.headers, "Add 'Name: value' to every response (repeatable)")
      ->type_size(1)
      ->allow_extra_args(false);
  http.add_option("--cors", flags.cors, "Allow cross-origin requests from ORIGIN (https://host[:port]) or *");
  http.add_option("--cache-control", flags.cache_control,
                  "Cache-Control for every file (default: no-cache for HTML, public, max-age=3600 otherwise)");
}

}  // namespace muxd::http
