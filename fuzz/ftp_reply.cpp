// Fuzzes what the client parses from a server, and the address arguments the
// server parses from a client: each input line goes through ReplyReader, the
// 227/229 reply scanners, and the PORT/EPRT argument parsers.
#include <cstdint>
#include <string_view>

#include "ftp/data_address.h"
#include "ftp/reply_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  muxd::ftp::ReplyReader reader;
  while (!input.empty()) {
    size_t end = input.find('\n');
    std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (reader.feed(line) == muxd::ftp::ReplyReader::Status::complete) (void)reader.reply().to_string();
    (void)muxd::ftp::parse_epsv_reply(line);
    (void)muxd::ftp::parse_pasv_reply(line);
    (void)muxd::ftp::parse_port_argument(line);
    muxd::ftp::EprtError error;
    (void)muxd::ftp::parse_eprt_argument(line, &error);
  }
  return 0;
}
