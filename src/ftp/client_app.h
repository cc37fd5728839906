#pragma once
// `muxd ftp-client`: the course's menu client (004 §3.2) and one-shot
// commands for scripts, on top of FtpClient.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace muxd::ftp {

struct ClientOptions {
  std::string host;
  uint16_t port = 21;
  std::string user = "anonymous";
  std::string password = "muxd@";
  std::vector<std::string> command;  // empty: the menu
};

// "host", "host:port", "[v6addr]" or "[v6addr]:port" into options.host/port.
bool parse_server(const std::string& text, ClientOptions& options, std::string* error);

// Exit status: 0 on success, 1 on a failure, 2 on bad usage. The menu reads
// `in`; messages go to `out` (results, prompts) and `err` (errors).
int run_client(const ClientOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace muxd::ftp
