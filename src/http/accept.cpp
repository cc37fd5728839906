#include "http/accept.h"

#include <strings.h>

namespace muxd::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// §12.4.2 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]; -1 when malformed.
int parse_qvalue(std::string_view text) {
  if (text.empty() || (text[0] != '0' && text[0] != '1')) return -1;
  int whole = text[0] - '0';
  if (text.size() == 1) return whole * 1000;
  if (text[1] != '.' || text.size() > 5) return -1;
  int thousandths = 0, scale = 100;
  for (char c : text.substr(2)) {
    if (c < '0' || c > '9') return -1;
    thousandths += (c - '0') * scale;
    scale /= 10;
  }
  if (whole == 1 && thousandths != 0) return -1;
  return whole * 1000 + thousandths;
}

// The q parameter of a member's parameters ("; a=b; q=0.5"); 1000 if absent.
int member_quality(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view param = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view{} : params.substr(semi + 1);
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    if (iequals(trim(param.substr(0, eq)), "q")) return parse_qvalue(trim(param.substr(eq + 1)));
  }
  return 1000;
}

// 3, 2, 1 for a range matching `type`/`subtype` exactly, by type/*, by */*; 0 otherwise.
int range_specificity(std::string_view range, std::string_view type, std::string_view subtype) {
  size_t slash = range.find('/');
  if (slash == std::string_view::npos) return 0;
  std::string_view rtype = range.substr(0, slash), rsub = range.substr(slash + 1);
  if (rtype == "*" && rsub == "*") return 1;
  if (!iequals(rtype, type)) return 0;
  if (rsub == "*") return 2;
  return iequals(rsub, subtype) ? 3 : 0;
}

}  // namespace

MediaMatch accept_match(std::string_view accept, std::string_view media_type) {
  if (trim(accept).empty()) return {1000, 1};
  size_t slash = media_type.find('/');
  std::string_view type = media_type.substr(0, slash);
  std::string_view subtype = slash == std::string_view::npos ? std::string_view{} : media_type.substr(slash + 1);
  MediaMatch best;
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view member = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    size_t semi = member.find(';');
    std::string_view range = trim(member.substr(0, semi));
    int specificity = range_specificity(range, type, subtype);
    if (specificity == 0 || specificity < best.specificity) continue;
    int quality = semi == std::string_view::npos ? 1000 : member_quality(member.substr(semi + 1));
    if (quality < 0) continue;  // a malformed q: the member is ignored
    // Equally specific duplicates: the first wins, as a conservative reading.
    if (specificity > best.specificity) best = {quality, specificity};
  }
  return best;
}

bool prefers_json(std::string_view accept) {
  return accept_match(accept, "application/json").quality > accept_match(accept, "text/html").quality;
}

bool accepts_html_explicitly(std::string_view accept) {
  MediaMatch html = accept_match(accept, "text/html");
  return html.specificity == 3 && html.quality > 0;
}

}  // namespace muxd::http
