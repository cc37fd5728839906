#pragma once
// The Accept request field (RFC 9110 §12.5.1), just far enough to choose
// between the representations muxd http makes itself (a listing as HTML or
// JSON) and to tell a browser's page navigation (the SPA fallback).
// Network input: malformed members are skipped, never trusted; no allocation.
#include <string_view>

namespace muxd::http {

struct MediaMatch {
  int quality = 0;      // q-value in thousandths (§12.4.2): 0..1000; 0 = not acceptable
  int specificity = 0;  // of the range that matched: 0 none, 1 */*, 2 type/*, 3 type/subtype
};

// How acceptable `media_type` ("text/html") is: the q of the most specific
// range that matches it (§12.5.1: "more specific ranges override less
// specific ones"). An empty Accept accepts everything ({1000, 1}).
MediaMatch accept_match(std::string_view accept, std::string_view media_type);

// A listing's representation: JSON only when application/json is preferred
// strictly over text/html (a tie, "*/*" or no Accept, gives HTML).
bool prefers_json(std::string_view accept);

// The SPA rule: text/html named explicitly, with q > 0 (what browsers send
// for a navigation; curl's "*/*" and fetch()'s defaults do not).
bool accepts_html_explicitly(std::string_view accept);

}  // namespace muxd::http
