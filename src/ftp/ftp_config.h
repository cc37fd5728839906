#pragma once
// Everything `muxd ftp` is told on its command line.
#include <chrono>
#include <cstdint>
#include <string>

#include "core/address.h"

namespace muxd::ftp {

struct FtpConfig {
  SocketAddress listen;
  std::string root;
  uint16_t passive_low = 0;  // --pasv-ports LO-HI; 0-0: any port the kernel picks
  uint16_t passive_high = 0;
  bool read_only = false;
  bool allow_anonymous = true;
  bool anonymous_write = false;  // --anonymous-write
  bool allow_dotfiles = false;   // --dotfiles allow
  std::string log = "-";         // --log: a path, "-" for stdout, "off"
  std::string users_file;  // empty: anonymous only
  size_t max_clients = 1000;
  size_t max_per_ip = 200;  // every client of a NAT shares one IP: not too low
  size_t workers = 1;
  std::chrono::milliseconds idle_timeout{300'000};
  std::chrono::milliseconds data_timeout{60'000};
};

}  // namespace muxd::ftp
