// Session: logging in and out, and what each kind of account may do.
#include <fmt/format.h>

#include "ftp/session.h"
#include "ftp/user_table.h"

namespace muxd::ftp {

void Session::cmd_user(const std::string& name) {
  if (logged_in()) return reply(503, "Already logged in; reconnect to change user.");
  user_ = name;
  anonymous_ = is_anonymous_name(name);
  if (anonymous_ && !config_.allow_anonymous) {
    login_ = Login::need_user;
    log_login(false);
    return reply(530, "Anonymous login is disabled on this server.");
  }
  login_ = Login::need_password;
  if (anonymous_) return reply(331, "Anonymous login okay, send your e-mail address as password.");
  reply(331, "Please specify the password.");  // the same for unknown users: no user oracle
}

void Session::cmd_pass(const std::string& password) {
  if (logged_in()) return reply(503, "Already logged in.");
  if (login_ != Login::need_password) return reply(503, "Send USER first.");
  bool accepted = anonymous_ || (config_.users && config_.users->verify(user_, password));
  log_login(accepted);
  if (accepted) {
    login_ = Login::done;
    if (anonymous_) return reply(230, "Anonymous user logged in.");
    return reply(230, "Login successful.");
  }
  login_ = Login::need_user;
  reply(530, "Login incorrect.");
  if (++login_failures_ >= kMaxLoginFailures) close_control();
}

void Session::cmd_quit(const std::string&) {
  if (transfer_active()) {
    quit_after_transfer_ = true;  // RFC 959: reply to the transfer first, then close
    return;
  }
  reply(221, "Goodbye.");
  close_control();
}

// Anonymous users are read-only unless the server was started with
// --anonymous-write (pyftpdlib's -w); then they have a named user's rights.
// --read-only holds for everyone.
Access Session::access() const {
  if (config_.read_only || (anonymous_ && !config_.anonymous_write)) return Access::read_only;
  return Access::full;
}

bool Session::may(Write) const { return access() == Access::full; }

// 550 for every refused write, uploads included (as vsftpd and pyftpdlib answer).
void Session::refuse_write(Write) {
  if (config_.read_only) return reply(550, "Permission denied: the server is read-only.");
  reply(550, "Permission denied: anonymous users may only list and download.");
}

void Session::log_login(bool accepted) {
  if (!config_.log_events) return;
  std::string user = anonymous_ ? std::string("anonymous") : user_.substr(0, kMaxLoggedUser);
  log_events_.push_back(LoginEvent{std::move(user), accepted});
}

}  // namespace muxd::ftp
