#include "http/basic_auth.h"

#include <strings.h>

#include <fmt/format.h>

namespace muxd::http {
namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// A quoted-string's content (RFC 9110 §5.6.4): '"' and '\' escaped.
std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + '"';
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int v[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++padding;
        continue;
      }
      if (padding) return std::nullopt;  // data after '='
      v[k] = base64_value(c);
      if (v[k] < 0) return std::nullopt;
    }
    uint32_t bits = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
    // RFC 4648 §3.5: the pad bits must be zero (one spelling per byte string).
    if ((padding == 1 && (bits & 0xff)) || (padding == 2 && (bits & 0xffff))) return std::nullopt;
    out.push_back(static_cast<char>(bits >> 16));
    if (padding < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (padding < 1) out.push_back(static_cast<char>(bits & 0xff));
  }
  return out;
}

std::optional<BasicCredentials> parse_basic_authorization(std::string_view value) {
  constexpr std::string_view scheme = "basic";
  if (value.size() <= scheme.size() || strncasecmp(value.data(), scheme.data(), scheme.size()) != 0)
    return std::nullopt;
  value.remove_prefix(scheme.size());
  if (value.front() != ' ') return std::nullopt;
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  std::optional<std::string> decoded = decode_base64(value);
  if (!decoded) return std::nullopt;
  size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  BasicCredentials credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
  if (has_control(credentials.user) || has_control(credentials.password)) return std::nullopt;
  return credentials;
}

BasicAuth::BasicAuth(Htpasswd users, std::string realm) : BasicAuth(std::move(users), std::move(realm), Limits{}) {}

BasicAuth::BasicAuth(Htpasswd users, std::string realm, Limits limits)
    : users_(std::move(users)),
      limits_(limits),
      challenge_(fmt::format("Basic realm={}, charset=\"UTF-8\"", quoted(realm))),
      buckets_(limits.checks_per_second, limits.checks_burst, limits.tracked_addresses) {}

BasicAuth::Check BasicAuth::check(std::string_view authorization, const SocketAddress& client, Clock::time_point now) {
  if (authorization.empty()) return {Outcome::denied, {}};
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(std::string(authorization));
    if (it != cache_.end()) {
      if (now < it->second.expires) return {Outcome::allowed, it->second.user};
      cache_.erase(it);
    }
  }
  if (!parse_basic_authorization(authorization)) return {Outcome::denied, {}};
  std::lock_guard lock(mutex_);
  if (!buckets_.take(client.with_port(0), now)) return {Outcome::throttled, {}};
  return {Outcome::verify, {}};
}

bool BasicAuth::verify(std::string_view authorization, Clock::time_point now) {
  std::optional<BasicCredentials> credentials = parse_basic_authorization(authorization);
  if (!credentials) return false;
  const std::string* hash = users_.find(credentials->user);
  bool ok = Htpasswd::verify(credentials->password, hash ? *hash : users_.decoy()) && hash;
  if (ok) remember(authorization, credentials->user, now);
  return ok;
}

void BasicAuth::remember(std::string_view authorization, const std::string& user, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (cache_.size() >= limits_.cache_entries) {
    std::erase_if(cache_, [now](const auto& item) { return item.second.expires <= now; });
    // Still full of live entries: start over. Their clients pay one hash each
    // again; simpler than an LRU, and a full cache means many users at once.
    if (cache_.size() >= limits_.cache_entries) cache_.clear();
  }
  cache_.insert_or_assign(std::string(authorization), Entry{user, now + limits_.cache_ttl});
}

size_t BasicAuth::cached() const {
  std::lock_guard lock(mutex_);
  return cache_.size();
}

}  // namespace muxd::http
