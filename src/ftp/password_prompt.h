#pragma once
// Asks for a password on the terminal without echoing it (termios(3): ECHO
// off for the read, the old mode back after, as getpass(3) did).
#include <optional>
#include <string>

namespace muxd::ftp {

// Reads one line from the terminal `fd` after writing `prompt` to stderr;
// nullopt when `fd` is no terminal or at end of input.
std::optional<std::string> read_password(int fd, const std::string& prompt);

}  // namespace muxd::ftp
