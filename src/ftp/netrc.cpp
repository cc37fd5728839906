#include "ftp/netrc.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <strings.h>

#include "core/unique_fd.h"

namespace muxd::ftp {
namespace {

constexpr size_t kMaxNetrcBytes = 1 << 20;

class Tokens {
 public:
  explicit Tokens(std::string_view text) : text_(text) {}

  std::optional<std::string> next() {
    skip_space();
    if (at_ >= text_.size()) return std::nullopt;
    std::string token;
    if (text_[at_] == '"') {
      for (++at_; at_ < text_.size() && text_[at_] != '"'; ++at_) {
        if (text_[at_] == '\\' && at_ + 1 < text_.size()) ++at_;
        token += text_[at_];
      }
      ++at_;  // the closing quote
      return token;
    }
    for (; at_ < text_.size() && !is_space(text_[at_]); ++at_) {
      if (text_[at_] == '\\' && at_ + 1 < text_.size()) ++at_;
      token += text_[at_];
    }
    return token;
  }

  // A macdef body: up to and including the next empty line.
  void skip_macro() {
    size_t end = text_.find("\n\n", at_);
    at_ = end == std::string_view::npos ? text_.size() : end + 2;
  }

 private:
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  void skip_space() {
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
  }

  std::string_view text_;
  size_t at_ = 0;
};

std::optional<std::string> read_small_file(const std::string& path, struct stat& st, int* error) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd || ::fstat(fd.get(), &st) != 0) {
    *error = errno;
    return std::nullopt;
  }
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd.get(), buffer, sizeof buffer)) > 0 && text.size() < kMaxNetrcBytes)
    text.append(buffer, static_cast<size_t>(n));
  return text;
}

}  // namespace

std::vector<NetrcEntry> parse_netrc(std::string_view text) {
  std::vector<NetrcEntry> entries;
  Tokens tokens(text);
  while (auto token = tokens.next()) {
    if (*token == "machine" || *token == "default") {
      NetrcEntry entry;
      if (*token == "machine") entry.machine = tokens.next().value_or("");
      entries.push_back(std::move(entry));
    } else if (*token == "macdef") {
      tokens.next();  // its name
      tokens.skip_macro();
    } else if (entries.empty()) {
      continue;  // a stray token before any machine: ignored
    } else if (*token == "login") {
      entries.back().login = tokens.next().value_or("");
    } else if (*token == "password") {
      entries.back().password = tokens.next().value_or("");
    } else if (*token == "account") {
      tokens.next();  // ACCT is not supported
    }
  }
  return entries;
}

std::optional<NetrcEntry> find_netrc_entry(const std::vector<NetrcEntry>& entries, std::string_view host,
                                           std::string_view login) {
  auto fits = [&](const NetrcEntry& entry) { return login.empty() || entry.login.empty() || entry.login == login; };
  for (const NetrcEntry& entry : entries)
    if (!entry.machine.empty() && strcasecmp(entry.machine.c_str(), std::string(host).c_str()) == 0 && fits(entry))
      return entry;
  for (const NetrcEntry& entry : entries)
    if (entry.machine.empty() && fits(entry)) return entry;
  return std::nullopt;
}

std::optional<NetrcEntry> netrc_entry_for(const std::string& path, std::string_view host, std::string_view login,
                                          std::string* error) {
  if (path.empty()) return std::nullopt;
  struct stat st {};
  int open_error = 0;
  auto text = read_small_file(path, st, &open_error);
  if (!text) {
    if (open_error != ENOENT) *error = path + ": " + std::strerror(open_error);
    return std::nullopt;
  }
  auto entry = find_netrc_entry(parse_netrc(*text), host, login);
  const std::string_view user = entry && !entry->login.empty() ? std::string_view(entry->login) : login;
  if (!entry || !entry->password || user.empty() || user == "anonymous") return entry;
  // ftp(1): "if this token is present in the .netrc file for any user other
  // than anonymous, ftp will abort the auto-login process if the .netrc is
  // readable by anyone besides the user."
  if ((st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH)) != 0 || st.st_uid != ::getuid()) {
    *error = path + " can be read by others, so its passwords are not used (chmod 600 " + path + ")";
    return std::nullopt;
  }
  return entry;
}

std::string default_netrc_path() {
  const char* home = std::getenv("HOME");
  return home && *home ? std::string(home) + "/.netrc" : "";
}

}  // namespace muxd::ftp
