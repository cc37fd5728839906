// Session: construction, the command table, dispatch, and queueing of commands
// that arrive while a transfer runs.
#include "ftp/session.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "ftp/command_parser.h"
#include "ftp/line_framer.h"
#include "ftp/reply.h"

namespace muxd::ftp {

struct Session::CommandSpec {
  std::string_view verb;
  void (Session::*handler)(const std::string& argument);
  LoginRule login;
  ArgumentRule argument;
};

namespace {

bool is_blank(std::string_view text) {
  return text.find_first_not_of(' ') == std::string_view::npos;
}

// Commands the control connection answers at once, even during a transfer
// (RFC 959 §4.1.3 lets ABOR, STAT and QUIT interrupt one; NOOP is harmless).
constexpr std::array<std::string_view, 4> kDuringTransfer = {"ABOR", "STAT", "NOOP", "QUIT"};

}  // namespace

const Session::CommandSpec* Session::find_command(std::string_view verb) {
  using L = LoginRule;
  using A = ArgumentRule;
  // Sorted by verb for the binary search below. The X forms are RFC 775's,
  // which RFC 1123 §4.1.3.1 asks servers to accept.
  static constexpr CommandSpec kCommands[] = {
      {"ABOR", &Session::cmd_abor, L::after, A::none},
      {"ALLO", &Session::cmd_allo, L::after, A::optional},
      {"APPE", &Session::cmd_appe, L::after, A::required},
      {"CDUP", &Session::cmd_cdup, L::after, A::none},
      {"CWD", &Session::cmd_cwd, L::after, A::required},
      {"DELE", &Session::cmd_dele, L::after, A::required},
      {"EPRT", &Session::cmd_eprt, L::after, A::required},
      {"EPSV", &Session::cmd_epsv, L::after, A::optional},
      {"FEAT", &Session::cmd_feat, L::before, A::none},
      {"HELP", &Session::cmd_help, L::before, A::optional},
      {"LIST", &Session::cmd_list, L::after, A::optional},
      {"MDTM", &Session::cmd_mdtm, L::after, A::required},
      {"MKD", &Session::cmd_mkd, L::after, A::required},
      {"MLSD", &Session::cmd_mlsd, L::after, A::optional},
      {"MLST", &Session::cmd_mlst, L::after, A::optional},
      {"MODE", &Session::cmd_mode, L::after, A::required},
      {"NLST", &Session::cmd_nlst, L::after, A::optional},
      {"NOOP", &Session::cmd_noop, L::before, A::none},
      {"OPTS", &Session::cmd_opts, L::before, A::required},
      {"PASS", &Session::cmd_pass, L::before, A::optional},
      {"PASV", &Session::cmd_pasv, L::after, A::none},
      {"PORT", &Session::cmd_port, L::after, A::required},
      {"PWD", &Session::cmd_pwd, L::after, A::none},
      {"QUIT", &Session::cmd_quit, L::before, A::none},
      {"REST", &Session::cmd_rest, L::after, A::required},
      {"RETR", &Session::cmd_retr, L::after, A::required},
      {"RMD", &Session::cmd_rmd, L::after, A::required},
      {"RNFR", &Session::cmd_rnfr, L::after, A::required},
      {"RNTO", &Session::cmd_rnto, L::after, A::required},
      {"SIZE", &Session::cmd_size, L::after, A::required},
      {"STAT", &Session::cmd_stat, L::after, A::optional},
      {"STOR", &Session::cmd_stor, L::after, A::required},
      {"STRU", &Session::cmd_stru, L::after, A::required},
      {"SYST", &Session::cmd_syst, L::after, A::none},
      {"TYPE", &Session::cmd_type, L::after, A::required},
      {"USER", &Session::cmd_user, L::before, A::required},
      {"XCUP", &Session::cmd_cdup, L::after, A::none},
      {"XCWD", &Session::cmd_cwd, L::after, A::required},
      {"XMKD", &Session::cmd_mkd, L::after, A::required},
      {"XPWD", &Session::cmd_pwd, L::after, A::none},
      {"XRMD", &Session::cmd_rmd, L::after, A::required},
  };
  auto found = std::lower_bound(std::begin(kCommands), std::end(kCommands), verb,
                                [](const CommandSpec& spec, std::string_view v) { return spec.verb < v; });
  return (found != std::end(kCommands) && found->verb == verb) ? found : nullptr;
}

Session::Session(const SessionConfig& config, SocketAddress peer, SocketAddress local)
    : config_(config), root_(*config.root), peer_(peer), local_(local) {}

Session::~Session() = default;

void Session::start() { reply(220, "muxd FTP server ready."); }

void Session::on_line(std::string_view line) {
  if (closing_) return;
  bool busy = transfer_active() || passive_pending_ || !queued_.empty();
  if (!busy || runs_during_transfer(line)) {
    execute(line);
  } else if (queued_.size() < kMaxQueuedCommands) {
    queued_.emplace_back(line);
  } else {
    reply(421, "Too many commands sent during a transfer; closing the control connection.");
    close_control();
  }
}

bool Session::runs_during_transfer(std::string_view line) const {
  auto command = parse_command(line);
  if (!command) return false;
  return std::find(kDuringTransfer.begin(), kDuringTransfer.end(), command->verb) !=
         kDuringTransfer.end();
}

void Session::execute(std::string_view line) {
  auto command = parse_command(line);
  if (!command) return reply(500, "Syntax error, command unrecognized.");
  const CommandSpec* spec = find_command(command->verb);
  if (!spec) return reply(502, fmt::format("Command {} not implemented.", command->verb));
  if (spec->login == LoginRule::after && !logged_in()) {
    return reply(530, "Please log in with USER and PASS first.");
  }
  bool blank = is_blank(command->argument);
  if (spec->argument == ArgumentRule::none && !blank) {
    return reply(501, fmt::format("{} takes no argument.", spec->verb));
  }
  if (spec->argument == ArgumentRule::required && blank) {
    return reply(501, fmt::format("{} needs an argument.", spec->verb));
  }
  if (spec->verb != "RNTO") rename_from_.reset();  // RFC 959: RNTO must follow RNFR at once
  (this->*spec->handler)(blank ? std::string() : command->argument);
}

void Session::run_queued() {
  while (!queued_.empty() && !transfer_active() && !passive_pending_ && !closing_) {
    std::string line = std::move(queued_.front());
    queued_.pop_front();
    execute(line);
  }
}

void Session::on_line_too_long() {
  if (closing_) return;
  reply(500, fmt::format("Command line too long (the limit is {} bytes).", kMaxCommandLine));
  close_control();
}

void Session::on_idle_timeout() {
  if (closing_) return;
  reply(421, "Idle timeout: closing the control connection.");
  close_control();
}

void Session::reply(int code, std::string_view text) { append_reply(replies_, code, text); }

void Session::act(Action action) { actions_.push_back(std::move(action)); }

void Session::close_control() {
  if (transfer_) act(AbortTransfer{});
  drop_transfer();
  queued_.clear();
  closing_ = true;
  act(CloseControl{});
}

void Session::on_disconnect() {
  drop_transfer();
  queued_.clear();
  closing_ = true;
}

void Session::drop_transfer() {
  if (!transfer_) return;
  Transfer transfer = std::move(*transfer_);
  transfer_.reset();
  log_transfer(transfer, false);
  // `transfer` goes here, and an upload's temporary file with it.
}

void Session::log_transfer(const Transfer& transfer, bool complete) {
  if (!config_.log_events || transfer.path.empty()) return;
  TransferEvent event;
  event.path = transfer.path;
  event.user = anonymous_ ? "anonymous" : user_;
  event.upload = transfer.kind != "RETR";
  event.bytes = transfer.bytes;
  event.complete = complete;
  event.duration = config_.steady_clock() - transfer.started;
  log_events_.emplace_back(std::move(event));
}

std::string Session::take_replies() { return std::exchange(replies_, {}); }

std::vector<Action> Session::take_actions() { return std::exchange(actions_, {}); }

std::vector<LogEvent> Session::take_log_events() { return std::exchange(log_events_, {}); }

}  // namespace muxd::ftp
