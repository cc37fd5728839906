#pragma once
// The command-line flags of `muxd http` that shape the site (site_extras.h):
// the positional DIR, --dir-listing, --spa [FILE], --header (repeatable),
// --cors and --cache-control. Kept apart from command.cpp so each check can
// be unit-tested; every refusal is a usage error (exit status 2).
#include <optional>
#include <string>
#include <vector>

#include "http/http_config.h"

namespace CLI {
class App;
}

namespace muxd::http {

struct SiteFlags {
  std::string dir;  // positional DIR
  bool dir_listing = false;
  std::string spa;  // "" off; --spa alone gives "index.html"
  std::vector<std::string> headers;
  std::string cors;
  std::string cache_control;
};

void add_site_flags(CLI::App& http, SiteFlags& flags);

// Checks the flags; nullopt and `error` set when one is wrong.
std::optional<SiteExtras> make_site_extras(const SiteFlags& flags, std::string* error);

// DIR or --root (not both) into config.root (left empty for the bundled
// site), and the extras into config.extras. Prints why and returns false on
// a usage error.
bool apply_site_flags(const SiteFlags& flags, const std::string& root_flag, HttpConfig& config);

}  // namespace muxd::http
