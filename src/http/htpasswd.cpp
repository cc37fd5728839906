#include "http/htpasswd.h"

#include <crypt.h>

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace muxd::http {
namespace {

// crypt(3)'s alphabet: ./0-9A-Za-z.
bool is_crypt_char(char c) {
  return c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool all_crypt_chars(std::string_view s) {
  for (char c : s)
    if (!is_crypt_char(c)) return false;
  return true;
}

// $2y$NN$ + 22 salt + 31 hash characters (60 in all).
std::string check_bcrypt(std::string_view hash) {
  if (hash.size() != 60 || hash[6] != '$') return "a bcrypt hash is 60 characters: $2y$NN$ and 53 more";
  if (hash[4] < '0' || hash[4] > '3' || hash[5] < '0' || hash[5] > '9') return "bcrypt cost is not two digits";
  int cost = (hash[4] - '0') * 10 + (hash[5] - '0');
  if (cost < 4 || cost > 31) return "bcrypt cost is outside 04..31";
  if (!all_crypt_chars(hash.substr(7))) return "bcrypt hash has characters outside ./0-9A-Za-z";
  return {};
}

// $6$[rounds=N$]SALT$HASH: salt of 1..16 characters, hash of 86.
std::string check_sha512(std::string_view hash) {
  std::string_view rest = hash.substr(3);
  if (rest.starts_with("rounds=")) {
    size_t end = rest.find('$');
    if (end == std::string_view::npos || end == 7) return "SHA-512-crypt rounds= needs a number and '$'";
    for (char c : rest.substr(7, end - 7))
      if (c < '0' || c > '9') return "SHA-512-crypt rounds= is not a number";
    rest.remove_prefix(end + 1);
  }
  size_t dollar = rest.find('$');
  if (dollar == std::string_view::npos || dollar == 0 || dollar > 16) return "SHA-512-crypt salt must be 1..16 characters";
  std::string_view salt = rest.substr(0, dollar), digest = rest.substr(dollar + 1);
  if (digest.size() != 86) return "SHA-512-crypt hash must be 86 characters after the salt";
  if (!all_crypt_chars(salt) || !all_crypt_chars(digest)) return "SHA-512-crypt hash has characters outside ./0-9A-Za-z";
  return {};
}

std::string_view trim_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

}  // namespace

std::string check_hash_format(std::string_view hash) {
  if (hash.starts_with("$2y$") || hash.starts_with("$2b$")) return check_bcrypt(hash);
  if (hash.starts_with("$6$")) return check_sha512(hash);
  if (hash.starts_with("$apr1$")) return "$apr1$ (Apache MD5) is not supported: use htpasswd -B (bcrypt)";
  if (hash.starts_with("{SHA}")) return "{SHA} (unsalted SHA-1) is not supported: use htpasswd -B (bcrypt)";
  return "unsupported hash scheme: use bcrypt ($2y$, htpasswd -B) or SHA-512-crypt ($6$, openssl passwd -6)";
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // hash lengths are public: fixed per scheme
  volatile unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff = static_cast<unsigned char>(diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  return diff == 0;
}

Htpasswd Htpasswd::load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw HtpasswdError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << file.rdbuf();
  return parse(text.str(), path);
}

Htpasswd Htpasswd::parse(std::string_view text, std::string_view name) {
  Htpasswd result;
  size_t number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = trim_line_end(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    auto fail = [&](std::string_view why) { return HtpasswdError(fmt::format("{}:{}: {}", name, number, why)); };
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) throw fail("expected user:hash");
    std::string_view user = line.substr(0, colon), hash = line.substr(colon + 1);
    if (user.empty()) throw fail("empty user name");
    // Apache's htpasswd may append fields after a second colon; none are used here.
    if (size_t extra = hash.find(':'); extra != std::string_view::npos) hash = hash.substr(0, extra);
    if (std::string why = check_hash_format(hash); !why.empty()) throw fail(why);
    if (!result.users_.emplace(std::string(user), std::string(hash)).second)
      throw fail(fmt::format("user '{}' appears twice", user));
    if (result.decoy_.empty()) result.decoy_.assign(hash);
  }
  if (result.users_.empty()) throw HtpasswdError(fmt::format("{}: no users", name));
  return result;
}

const std::string* Htpasswd::find(std::string_view user) const {
  auto it = users_.find(std::string(user));
  return it == users_.end() ? nullptr : &it->second;
}

// crypt_rn (libxcrypt, crypt(3)): thread-safe with its own crypt_data, and
// returns null on failure instead of a "*0" string. crypt_data is 32 KiB:
// on the heap, not on a small connection-thread stack.
bool Htpasswd::verify(std::string_view password, const std::string& hash) {
  if (password.find('\0') != std::string_view::npos) return false;
  auto data = std::make_unique<crypt_data>();
  std::string phrase(password);
  const char* computed = ::crypt_rn(phrase.c_str(), hash.c_str(), data.get(), sizeof(crypt_data));
  bool ok = computed != nullptr && constant_time_equal(computed, hash);
  ::explicit_bzero(phrase.data(), phrase.size());
  ::explicit_bzero(data.get(), sizeof(crypt_data));
  return ok;
}

}  // namespace muxd::http
