#pragma once
// `muxd ftp-client`: the course's menu client (004 §3.2) and one-shot
// commands for scripts, on top of FtpClient.
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace muxd::ftp {

struct ClientOptions {
  std::string host;
  uint16_t port = 21;
  std::string user;                     // empty: ~/.netrc's login for host, else anonymous
  std::optional<std::string> password;  // none: ~/.netrc's, else asked on a terminal
  std::string netrc_path;               // empty: no .netrc
  bool assume_yes = false;              // --yes: overwrite local files without asking
  bool interactive = false;             // stdin is a terminal: questions are asked there
  std::vector<std::string> command;     // empty: the menu
};

inline constexpr std::string_view kAnonymousPassword = "muxd@";

struct Login {
  std::string user;
  std::string password;
};

// Who to log in as: --user/--password, else ~/.netrc (machine, then default),
// else anonymous; a named user without a password is asked for one through
// `ask` (on a terminal, without echo). nullopt with `error` set when there is
// no password to be had or the .netrc is unsafe.
using AskPassword = std::function<std::optional<std::string>(const std::string& prompt)>;
std::optional<Login> resolve_login(const ClientOptions& options, const AskPassword& ask, std::string* error);

// "host", "host:port", "[v6addr]" or "[v6addr]:port" into options.host/port.
bool parse_server(const std::string& text, ClientOptions& options, std::string* error);

// Exit status: 0 on success, 1 on a failure, 2 on bad usage. The menu reads
// `in`; messages go to `out` (results, prompts) and `err` (errors).
int run_client(const ClientOptions& options, std::istream& in, std::ostream& out, std::ostream& err,
               const AskPassword& ask = nullptr);

}  // namespace muxd::ftp
