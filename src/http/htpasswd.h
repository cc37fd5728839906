#pragma once
// Htpasswd: the users of `--auth-file FILE`, one `user:hash` a line, as
// Apache's htpasswd writes them. Blank lines and lines starting with '#' are
// skipped. Only hashes libcrypt checks slowly enough to be worth storing:
//   $2y$ / $2b$  bcrypt (htpasswd -B), cost 04..31
//   $6$          SHA-512-crypt (openssl passwd -6, mkpasswd -m sha-512)
// Anything else (Apache's $apr1$ MD5, {SHA}, crypt(3) DES, plain text) is
// refused when the file is read, with FILE:LINE, so a server never starts
// with users it cannot check. A user named twice is refused too.
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace muxd::http {

class HtpasswdError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;  // "FILE:LINE: what is wrong"
};

class Htpasswd {
 public:
  static Htpasswd load(const std::string& path);  // throws HtpasswdError
  static Htpasswd parse(std::string_view text, std::string_view name);  // `name` for messages

  // The stored hash, or null for an unknown user.
  const std::string* find(std::string_view user) const;
  size_t size() const { return users_.size(); }
  // A hash to verify against when the user is unknown, so that an unknown
  // user costs the same time as a wrong password (no user enumeration).
  const std::string& decoy() const { return decoy_; }

  // Blocking: one crypt (milliseconds for bcrypt). True when `password`
  // hashes to `hash`; the computed hash is compared in constant time.
  static bool verify(std::string_view password, const std::string& hash);

 private:
  std::unordered_map<std::string, std::string> users_;
  std::string decoy_;
};

// Whether `hash` has a shape Htpasswd accepts (an empty string when so, else why not).
std::string check_hash_format(std::string_view hash);

// Compares in time that depends only on the lengths, never on where the
// first difference is (the computed hash must not leak by timing).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace muxd::http
