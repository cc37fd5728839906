#pragma once
// UserTable: the accounts of `muxd ftp --users FILE`.
//
// The file holds one `name:hash` a line, the hash in SHA-512 crypt format
// ("$6$salt$..." or "$6$rounds=N$salt$...", as `openssl passwd -6` prints);
// blank lines and lines starting with '#' are skipped. Passwords are checked
// with crypt_r(3) from libcrypt.
#include <string>
#include <string_view>
#include <unordered_map>

namespace muxd::ftp {

inline constexpr size_t kMaxUsersFileBytes = 1 << 20;
inline constexpr size_t kMaxUsers = 10000;
inline constexpr size_t kMaxUserName = 64;
inline constexpr size_t kMaxPassword = 1024;

// "anonymous" and "ftp" (any case): the anonymous account, any password.
bool is_anonymous_name(std::string_view name);

class UserTable {
 public:
  UserTable() = default;

  // Throws std::runtime_error("FILE:LINE: what is wrong") for a bad file.
  static UserTable load(const std::string& path);
  static UserTable parse(std::string_view text, std::string_view origin);

  bool empty() const { return hashes_.empty(); }
  size_t size() const { return hashes_.size(); }
  // Unknown users cost as much time as known ones: no oracle for user names.
  bool verify(std::string_view name, std::string_view password) const;

 private:
  std::unordered_map<std::string, std::string> hashes_;
};

}  // namespace muxd::ftp
