#include "http/content_coding.h"

#include <strings.h>

#include <algorithm>

namespace muxd::http {
namespace {

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The codings this server can produce, by their tokens (case-insensitive).
// -1: "*", -2: unknown.
int coding_index(std::string_view token) {
  if (token == "*") return -1;
  if (iequals(token, "br")) return static_cast<int>(Coding::br);
  if (iequals(token, "zstd")) return static_cast<int>(Coding::zstd);
  if (iequals(token, "gzip") || iequals(token, "x-gzip")) return static_cast<int>(Coding::gzip);
  if (iequals(token, "identity")) return static_cast<int>(Coding::identity);
  return -2;
}

}  // namespace

std::string_view coding_name(Coding coding) {
  switch (coding) {
    case Coding::br: return "br";
    case Coding::zstd: return "zstd";
    case Coding::gzip: return "gzip";
    case Coding::identity: break;
  }
  return "identity";
}

std::string_view sidecar_suffix(Coding coding) {
  switch (coding) {
    case Coding::br: return ".br";
    case Coding::zstd: return ".zst";
    case Coding::gzip: return ".gz";
    case Coding::identity: break;
  }
  return "";
}

int parse_qvalue(std::string_view text) {
  if (text.empty() || text.size() > 5) return -1;
  if (text.size() >= 2 && text[1] != '.') return -1;
  std::string_view decimals = text.size() >= 2 ? text.substr(2) : std::string_view{};
  if (!std::all_of(decimals.begin(), decimals.end(), is_digit)) return -1;
  if (text[0] == '1') return std::all_of(decimals.begin(), decimals.end(), [](char c) { return c == '0'; }) ? 1000 : -1;
  if (text[0] != '0') return -1;
  int value = 0, scale = 100;
  for (char c : decimals) {
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value;
}

void AcceptEncoding::add(std::string_view field_value) {
  present_ = true;
  // #( codings [ weight ] ), §5.6.1: empty members are allowed and skipped.
  while (!field_value.empty()) {
    size_t comma = field_value.find(',');
    add_member(trim_ows(field_value.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    field_value.remove_prefix(comma + 1);
  }
}

// codings [ OWS ";" OWS "q=" qvalue ]. Other parameters are not in the
// grammar: a member carrying one is ignored, as is one with a bad qvalue.
void AcceptEncoding::add_member(std::string_view member) {
  if (member.empty()) return;
  size_t semicolon = member.find(';');
  std::string_view token = trim_ows(member.substr(0, semicolon));
  int quality = 1000;
  if (semicolon != std::string_view::npos) {
    std::string_view weight = trim_ows(member.substr(semicolon + 1));
    if (weight.size() < 2 || (weight[0] != 'q' && weight[0] != 'Q') || weight[1] != '=') return;
    quality = parse_qvalue(weight.substr(2));
    if (quality < 0) return;
  }
  int index = coding_index(token);
  if (index == -2) return;
  int16_t& slot = index == -1 ? star_ : q_[static_cast<size_t>(index)];
  if (slot == kUnlisted) slot = static_cast<int16_t>(quality);
}

int AcceptEncoding::quality(Coding coding) const {
  int own = listed(coding);
  if (own != kUnlisted) return own;
  if (!present_) return coding == Coding::identity ? 1000 : 0;
  if (star_ != kUnlisted) return star_;
  return coding == Coding::identity ? kImplicitIdentity : 0;
}

Negotiation negotiate(const AcceptEncoding& accept, CodingSet available) {
  available |= coding_bit(Coding::identity);
  Negotiation best{Coding::identity, false};
  int best_quality = 0;
  for (size_t i = 0; i < kCodingCount; ++i) {
    auto coding = static_cast<Coding>(i);
    if (!(available & coding_bit(coding))) continue;
    int quality = accept.quality(coding);
    if (quality > best_quality) {  // strict: earlier codings win ties
      best = {coding, true};
      best_quality = quality;
    }
  }
  return best;
}

bool is_compressible_type(std::string_view content_type) {
  std::string_view type = trim_ows(content_type.substr(0, content_type.find(';')));
  if (type.size() > 5 && strncasecmp(type.data(), "text/", 5) == 0) return true;
  constexpr std::string_view compressible[] = {
      "application/javascript", "application/json", "application/manifest+json", "application/xml",
      "application/xhtml+xml", "application/rss+xml", "application/atom+xml", "application/ld+json",
      "application/wasm", "image/svg+xml", "image/x-icon", "image/bmp", "font/ttf", "font/otf",
  };
  for (std::string_view candidate : compressible) {
    if (iequals(type, candidate)) return true;
  }
  return false;
}

}  // namespace muxd::http
