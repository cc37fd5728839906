// Session: commands that describe the server and the session.
#include <fmt/format.h>

#include "ftp/command_parser.h"
#include "ftp/reply.h"
#include "ftp/session.h"
#include "ftp/virtual_path.h"

namespace muxd::ftp {

void Session::cmd_syst(const std::string&) { reply(215, "UNIX Type: L8"); }

// RFC 2389 §3.2: one feature a line, each indented by one space.
void Session::cmd_feat(const std::string&) {
  reply(211, fmt::format("Features:\n EPRT\n EPSV\n MDTM\n MLST {}\n PASV\n REST STREAM\n SIZE\n"
                         " TVFS\n UTF8\nEnd",
                         describe_facts(facts_)));
}

void Session::cmd_opts(const std::string& argument) {
  size_t space = argument.find(' ');
  std::string option = ascii_upper(argument.substr(0, space));
  std::string value = space == std::string::npos ? "" : argument.substr(space + 1);
  if (option == "UTF8" && (ascii_upper(value) == "ON" || value.empty())) {
    return reply(200, "Always in UTF8 mode.");
  }
  if (option == "MLST") {  // RFC 3659 §7.9
    facts_ = parse_fact_list(value);
    std::string names = describe_facts(facts_);
    std::string enabled;
    for (std::string_view rest = names; !rest.empty();) {
      std::string_view fact = rest.substr(0, rest.find(';'));
      rest.remove_prefix(fact.size() + 1);
      if (fact.back() == '*') enabled.append(fact.substr(0, fact.size() - 1)).append(";");
    }
    return reply(200, "MLST OPTS " + enabled);
  }
  reply(501, "Option not understood.");
}

void Session::cmd_help(const std::string& argument) {
  if (!argument.empty()) {
    std::string verb = ascii_upper(argument);
    if (find_command(verb)) return reply(214, fmt::format("{} is supported.", verb));
    return reply(502, fmt::format("Unknown command {}.", verb.substr(0, 16)));
  }
  reply(214, "The following commands are recognized:\n"
             " ABOR ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MKD\n"
             " MLSD MLST MODE NLST NOOP OPTS PASS PASV PORT PWD  QUIT REST RETR\n"
             " RMD  RNFR RNTO SIZE STAT STOR STRU SYST TYPE USER XCUP XCWD XMKD\n"
             " XPWD XRMD\n"
             "Help OK.");
}

void Session::cmd_noop(const std::string&) { reply(200, "NOOP ok."); }

void Session::cmd_allo(const std::string&) { reply(202, "ALLO is not needed."); }

void Session::cmd_stat(const std::string& argument) {
  if (argument.empty()) return stat_server();
  stat_path(argument);
}

void Session::stat_server() {
  std::string text = "muxd FTP server status:\n";
  text += fmt::format(" Connected from {}\n", peer_.ip_string());
  text += fmt::format(" Logged in as {}\n", anonymous_ ? "anonymous" : user_);
  text += fmt::format(" TYPE: {}, FORM: Nonprint; STRUcture: File; transfer MODE: Stream\n",
                      binary_ ? "BINARY" : "ASCII");
  if (transfer_) {
    text += fmt::format(" {} in progress: {} bytes transferred\n", transfer_->kind, transfer_->bytes);
  } else if (data_setup_ == DataSetup::passive) {
    text += " Waiting for a passive data connection\n";
  } else if (data_setup_ == DataSetup::active) {
    text += fmt::format(" Data connection will go to {}\n", active_target_.to_string());
  } else {
    text += " No data connection\n";
  }
  reply(211, text + "End of status");
}

// RFC 959 §4.1.3: STAT with a path lists it over the control connection,
// so the listing is cut at kMaxStatEntries lines.
void Session::stat_path(const std::string& argument) {
  auto path = resolve(argument);
  if (!path) return;
  auto st = stat_or_reply(*path);
  if (!st) return;
  ListingOptions options = listing_options(ListingFormat::list);
  std::unique_ptr<ListingStream> listing;
  if (S_ISDIR(st->st_mode)) {
    int error = 0;
    UniqueFd dir = root_.open_directory(*path, &error);
    if (!dir) return reply_errno(error);
    listing = list_directory(root_, *path, std::move(dir), options);
  } else {
    listing = list_single(std::string(base_name(*path)), *st, options);
  }
  std::string text = fmt::format("Status of {}:\n", *path);
  size_t lines = 0;
  bool more = true;
  while (more && lines < kMaxStatEntries) {
    more = listing->fill(text, text.size() + 1);  // one entry at a time
    ++lines;
  }
  std::string rest;
  if (more && (listing->fill(rest, 1) || !rest.empty())) {
    text += fmt::format("... more than {} entries: use LIST\n", kMaxStatEntries);
  }
  reply(213, text + "End of status");
}

}  // namespace muxd::ftp
