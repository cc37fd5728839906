// Session: representation type, and setting up the data connection
// (PASV/EPSV listen, PORT/EPRT connect), REST and ABOR.
#include <charconv>

#include <fmt/format.h>

#include "ftp/command_parser.h"
#include "ftp/data_address.h"
#include "ftp/session.h"

namespace muxd::ftp {
namespace {

bool is_ipv4(const SocketAddress& address) { return plain_ip(address).find(':') == std::string::npos; }

}  // namespace

// RFC 959 §3.1.1: TYPE A (optionally "A N") or TYPE I ("L 8" is the same).
// ASCII transfers are sent unconverted, as vsftpd does by default.
void Session::cmd_type(const std::string& argument) {
  std::string type = ascii_upper(argument);
  if (type == "A" || type == "A N") {
    binary_ = false;
    return reply(200, "Switching to ASCII mode.");
  }
  if (type == "I" || type == "L 8") {
    binary_ = true;
    return reply(200, "Switching to Binary mode.");
  }
  if (type == "E" || type == "A T" || type == "A C" || type.starts_with("L ") || type.starts_with("E ")) {
    return reply(504, "Only TYPE A and TYPE I are supported.");
  }
  reply(501, "Unrecognised TYPE.");
}

void Session::cmd_mode(const std::string& argument) {
  std::string mode = ascii_upper(argument);
  if (mode == "S") return reply(200, "Mode set to S.");
  if (mode == "B" || mode == "C") return reply(504, "Only MODE S is supported.");
  reply(501, "Unrecognised MODE.");
}

void Session::cmd_stru(const std::string& argument) {
  std::string structure = ascii_upper(argument);
  if (structure == "F") return reply(200, "Structure set to F.");
  if (structure == "R" || structure == "P") return reply(504, "Only STRU F is supported.");
  reply(501, "Unrecognised STRU.");
}

bool Session::data_setup_allowed() {
  if (!epsv_all_) return true;
  reply(503, "EPSV ALL is in effect: only EPSV may set up data connections.");
  return false;
}

void Session::cmd_pasv(const std::string&) {
  if (!data_setup_allowed()) return;
  if (!is_ipv4(local_)) return reply(425, "PASV is IPv4 only: use EPSV.");
  passive_extended_ = false;
  passive_pending_ = true;
  act(OpenPassive{});
}

// RFC 2428 §3: EPSV, "EPSV 1|2" (the protocol must be the control
// connection's own), "EPSV ALL".
void Session::cmd_epsv(const std::string& argument) {
  std::string protocol = ascii_upper(argument);
  if (protocol == "ALL") {
    epsv_all_ = true;
    return reply(200, "EPSV ALL ok.");
  }
  if (!protocol.empty() && protocol != "1" && protocol != "2") return reply(501, "Bad EPSV protocol.");
  std::string own = is_ipv4(local_) ? "1" : "2";
  if (!protocol.empty() && protocol != own) {
    return reply(522, fmt::format("Network protocol not supported, use ({})", own));
  }
  passive_extended_ = true;
  passive_pending_ = true;
  act(OpenPassive{});
}

void Session::on_passive_opened(std::optional<uint16_t> port) {
  if (!passive_pending_) return;
  passive_pending_ = false;
  if (!port) {
    data_setup_ = DataSetup::none;
    reply(425, "Cannot open a passive data connection.");
  } else {
    data_setup_ = DataSetup::passive;
    if (passive_extended_) reply(229, epsv_reply_text(*port));
    else reply(227, pasv_reply_text(local_.with_port(*port)));
  }
  run_queued();
}

void Session::cmd_port(const std::string& argument) {
  if (!data_setup_allowed()) return;
  auto target = parse_port_argument(argument);
  if (!target) return reply(501, "Syntax error in PORT (h1,h2,h3,h4,p1,p2).");
  use_active(*target);
}

void Session::cmd_eprt(const std::string& argument) {
  if (!data_setup_allowed()) return;
  EprtError error = EprtError::none;
  auto target = parse_eprt_argument(argument, &error);
  if (error == EprtError::protocol) return reply(522, "Network protocol not supported, use (1,2)");
  if (!target) return reply(501, "Syntax error in EPRT (|proto|address|port|).");
  use_active(*target);
}

// RFC 2577 §3 (no bounce attacks): data connections go back to the client's
// own IP, never to a privileged port.
void Session::use_active(const SocketAddress& target) {
  if (!same_ip(target, peer_)) {
    return reply(504, "Refused: data connections go only to your own IP address.");
  }
  if (target.port() < 1024) return reply(504, "Refused: data connections go only to ports 1024 and up.");
  if (data_setup_ == DataSetup::passive) act(ClosePassive{});
  data_setup_ = DataSetup::active;
  active_target_ = target;
  reply(200, "PORT command successful.");
}

// RFC 3659 §5: the byte offset the next RETR or STOR starts at.
void Session::cmd_rest(const std::string& argument) {
  uint64_t offset = 0;
  const char* end = argument.data() + argument.size();
  auto [stop, ec] = std::from_chars(argument.data(), end, offset);
  if (ec != std::errc() || stop != end || offset > static_cast<uint64_t>(INT64_MAX)) {
    return reply(501, "REST needs a byte offset (a non-negative decimal number).");
  }
  restart_offset_ = offset;
  reply(350, fmt::format("Restarting at {}. Send STOR or RETR.", offset));
}

// RFC 959 §4.1.3: 426 for the aborted transfer, then 226 for ABOR itself.
void Session::cmd_abor(const std::string&) {
  if (!transfer_) {
    if (data_setup_ == DataSetup::passive) act(ClosePassive{});
    data_setup_ = DataSetup::none;
    return reply(225, "No transfer to abort.");
  }
  act(AbortTransfer{});
  drop_transfer();  // an upload's temporary file goes with it
  reply(426, "Transfer aborted.");
  reply(226, "ABOR successful.");
  if (quit_after_transfer_) {
    reply(221, "Goodbye.");
    return close_control();
  }
  run_queued();
}

}  // namespace muxd::ftp
