#include "ftp/user_table.h"

#include <crypt.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace muxd::ftp {
namespace {

// A hash nobody's password matches, checked for unknown users so that they
// take as long as known ones.
constexpr const char* kDummyHash =
    "$6$muxdmuxdmuxdmuxd$"
    "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000.";

bool is_salt_char(char c) {
  return c == '.' || c == '/' || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c >= 'a' && c <= 'z');
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserName) return false;
  for (char c : name) {
    if (!is_salt_char(c) && c != '-' && c != '_' && c != '@') return false;
  }
  return name[0] != '.';
}

bool all_salt_chars(std::string_view text) {
  for (char c : text) {
    if (!is_salt_char(c)) return false;
  }
  return true;
}

// "$6$[rounds=N$]salt$hash": salt 1..16 characters, hash 86 (crypt(5)).
bool valid_sha512_hash(std::string_view hash) {
  if (hash.substr(0, 3) != "$6$") return false;
  hash.remove_prefix(3);
  if (hash.substr(0, 7) == "rounds=") {
    size_t dollar = hash.find('$');
    if (dollar == std::string_view::npos || dollar == 7) return false;
    for (char c : hash.substr(7, dollar - 7)) {
      if (c < '0' || c > '9') return false;
    }
    hash.remove_prefix(dollar + 1);
  }
  size_t dollar = hash.find('$');
  if (dollar == std::string_view::npos || dollar == 0 || dollar > 16) return false;
  std::string_view salt = hash.substr(0, dollar);
  std::string_view digest = hash.substr(dollar + 1);
  return all_salt_chars(salt) && digest.size() == 86 && all_salt_chars(digest);
}

[[noreturn]] void fail(std::string_view origin, size_t line, std::string_view what) {
  throw std::runtime_error(fmt::format("{}:{}: {}", origin, line, what));
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

bool is_anonymous_name(std::string_view name) {
  auto lower = [](std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
    return out;
  };
  std::string folded = lower(name);
  return folded == "anonymous" || folded == "ftp";
}

UserTable UserTable::load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(fmt::format("{}: cannot open users file", path));
  std::string text(kMaxUsersFileBytes + 1, '\0');
  file.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(file.gcount()));
  if (text.size() > kMaxUsersFileBytes) {
    throw std::runtime_error(fmt::format("{}: larger than {} bytes", path, kMaxUsersFileBytes));
  }
  return parse(text, path);
}

UserTable UserTable::parse(std::string_view text, std::string_view origin) {
  UserTable table;
  for (size_t number = 1; !text.empty(); ++number) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) fail(origin, number, "expected name:hash");
    std::string name(line.substr(0, colon));
    if (!valid_name(name)) fail(origin, number, "bad user name (1-64 of A-Z a-z 0-9 . _ - @)");
    if (is_anonymous_name(name)) fail(origin, number, "'" + name + "' is the anonymous account");
    if (!valid_sha512_hash(line.substr(colon + 1))) {
      fail(origin, number, "expected a SHA-512 crypt hash ($6$salt$...; see openssl passwd -6)");
    }
    if (table.hashes_.size() >= kMaxUsers) fail(origin, number, "too many users");
    if (!table.hashes_.emplace(name, line.substr(colon + 1)).second) {
      fail(origin, number, "user '" + name + "' appears twice");
    }
  }
  return table;
}

bool UserTable::verify(std::string_view name, std::string_view password) const {
  auto found = hashes_.find(std::string(name));
  const std::string hash = found == hashes_.end() ? kDummyHash : found->second;
  if (password.size() > kMaxPassword || password.find('\0') != std::string_view::npos) return false;
  auto data = std::make_unique<crypt_data>();  // ~32 KiB: not on the stack
  const char* computed = crypt_r(std::string(password).c_str(), hash.c_str(), data.get());
  if (!computed || computed[0] == '*') return false;
  return found != hashes_.end() && constant_time_equal(computed, hash);
}

}  // namespace muxd::ftp
