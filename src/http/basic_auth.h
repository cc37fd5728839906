#pragma once
// Basic authentication (RFC 7617) for `muxd http --auth-file FILE`.
//
// Checking a password costs a bcrypt or SHA-512-crypt hash: milliseconds,
// which an event loop must not spend. So a request goes through check()
// first, on the worker's thread, which never hashes:
//   - no Authorization, not "Basic", bad base64, no colon  -> denied (401);
//   - the exact Authorization value was verified recently   -> allowed
//     (the verified-credentials cache: bounded, short TTL, process-wide);
//   - the client's address used up its password checks     -> throttled (429);
//   - otherwise                                              -> verify:
// verify() hashes (blocking: a work thread's job in the epoll model, inline
// in the others) and remembers a success. Every verification takes a token
// from the client address's bucket (10 at once, then one a second), whether
// it succeeds or not: a client that knows its password verifies once and is
// then served from the cache, a guesser gets 429s without costing a hash.
//
// The cache holds Authorization values, i.e. base64 of user:password, in
// process memory for its TTL: the process has just seen them anyway, and
// keying by a fast hash instead would let a collision log someone in.
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/address.h"
#include "core/address_buckets.h"
#include "http/htpasswd.h"

namespace muxd::http {

struct BasicCredentials {
  std::string user;
  std::string password;
};

// The credentials of an Authorization value "Basic <base64(user:password)>"
// (RFC 7617 §2; scheme case-insensitive, RFC 9110 §11.1). Null when it is not
// Basic, the base64 is malformed (RFC 4648 §4, padding required), there is no
// colon, or either part holds a control character (§2: MUST NOT). The user
// is what precedes the first colon; the password may hold colons. Bytes are
// not normalised: with charset="UTF-8" they are UTF-8 as typed.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view value);

// RFC 4648 §4 base64, padding required; null on anything else.
std::optional<std::string> decode_base64(std::string_view text);

class BasicAuth {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    double checks_per_second = 1;  // password checks per client address, refilled
    double checks_burst = 10;      // ...and saved up
    size_t tracked_addresses = 10'000;
    size_t cache_entries = 4096;
    Clock::duration cache_ttl = std::chrono::seconds(60);
  };

  enum class Outcome : uint8_t { allowed, denied, throttled, verify };
  struct Check {
    Outcome outcome;
    std::string user;  // allowed: the user name, for the access log
  };

  BasicAuth(Htpasswd users, std::string realm);
  BasicAuth(Htpasswd users, std::string realm, Limits limits);

  // Any thread; never hashes. `client` is the peer's address (port ignored).
  Check check(std::string_view authorization, const SocketAddress& client, Clock::time_point now);
  // Any thread; blocking (one crypt). True when the credentials are right; a
  // success is cached. Call after check() said `verify`.
  bool verify(std::string_view authorization, Clock::time_point now);

  // `Basic realm="...", charset="UTF-8"` for WWW-Authenticate (RFC 7617 §2.1).
  const std::string& challenge() const { return challenge_; }
  size_t cached() const;

 private:
  void remember(std::string_view authorization, const std::string& user, Clock::time_point now);

  Htpasswd users_;
  Limits limits_;
  std::string challenge_;
  mutable std::mutex mutex_;  // guards the two tables below: held for a lookup, never while hashing
  struct Entry {
    std::string user;
    Clock::time_point expires;
  };
  std::unordered_map<std::string, Entry> cache_;
  AddressBuckets buckets_;
};

}  // namespace muxd::http
