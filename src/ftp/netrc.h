#pragma once
// ~/.netrc, as ftp(1) and netrc(5) describe it: whitespace-separated tokens
//   machine NAME  login NAME  password STRING  account STRING  macdef NAME
//   default       (matches any machine; it must come last)
// A macdef's body runs to the next empty line and is skipped (muxd runs no
// macros). Tokens may be double-quoted, with backslash escapes, as GNU
// inetutils' ftp accepts. Like ftp(1), a password for a login other than
// "anonymous" is refused when the file can be read by anyone but its owner.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace muxd::ftp {

struct NetrcEntry {
  std::string machine;  // empty for `default`
  std::string login;
  std::optional<std::string> password;
};

std::vector<NetrcEntry> parse_netrc(std::string_view text);

// The entry for `host` (the first `machine` that names it, else `default`);
// with `login` given, only an entry for that login (or one without a login).
std::optional<NetrcEntry> find_netrc_entry(const std::vector<NetrcEntry>& entries, std::string_view host,
                                           std::string_view login = {});

// ~/.netrc's entry for host/login. A missing file is no entry and no error;
// an unsafe one (readable by group or others, or not the user's) with a
// password for a non-anonymous login sets `error` and gives nothing.
std::optional<NetrcEntry> netrc_entry_for(const std::string& path, std::string_view host, std::string_view login,
                                          std::string* error);

// $HOME/.netrc, or "" when HOME is unset.
std::string default_netrc_path();

}  // namespace muxd::ftp
