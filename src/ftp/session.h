#pragma once
// Session: one FTP control connection as a state machine, without sockets
// (sans-IO). The IO driver feeds it command lines and events; it answers with
// reply bytes to send (take_replies), actions for the driver to carry out
// (take_actions): open a passive listener, start a transfer on a data
// connection, abort it, close the control connection; and events for the
// server's log (take_log_events: logins, failed logins, the end of each file
// transfer), which the driver formats and writes (ftp_log.h). Filesystem work
// (stat, mkdir, opening files beneath the root) happens here, inline; no log
// file is touched here.
//
// Commands: RFC 959, RFC 2389 (FEAT, OPTS), RFC 2428 (EPRT, EPSV) and
// RFC 3659 (MDTM, SIZE, REST STREAM, MLST, MLSD).
#include <chrono>
#include <cstdint>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/address.h"
#include "core/unique_fd.h"
#include "ftp/access.h"
#include "ftp/listing.h"
#include "ftp/root_directory.h"

namespace muxd::ftp {

class UserTable;

inline constexpr size_t kMaxLoginFailures = 3;
inline constexpr size_t kMaxQueuedCommands = 16;  // commands pipelined behind a transfer
inline constexpr size_t kMaxStatEntries = 200;    // lines of `STAT path` (the control connection)

struct SessionConfig {
  const RootDirectory* root = nullptr;
  const UserTable* users = nullptr;  // null: anonymous only
  bool allow_anonymous = true;
  bool anonymous_write = false;  // --anonymous-write: anonymous users get a named user's rights
  bool read_only = false;        // --read-only: no writes for anyone
  // --dotfiles allow: names starting with '.' are served like any other.
  // Otherwise every path with such a segment gets 550 and listings leave them
  // out. Upload temporaries (kUploadPrefix) are hidden either way.
  bool allow_dotfiles = false;
  bool log_events = true;  // false: take_log_events() stays empty (--log off)
  std::function<std::time_t()> clock = [] { return std::time(nullptr); };  // dates in listings
  // Transfer durations, for the log.
  std::function<std::chrono::steady_clock::time_point()> steady_clock = [] {
    return std::chrono::steady_clock::now();
  };
};

// Events for the log (see ftp_log.h for their lines).
struct LoginEvent {
  std::string user;  // "anonymous" for either anonymous name; as sent otherwise (at most kMaxLoggedUser bytes)
  bool accepted = false;
};
struct TransferEvent {
  std::string path;  // the virtual path, "/dir/name"
  std::string user;
  bool upload = false;  // STOR or APPE ('i' in the log), else RETR ('o')
  uint64_t bytes = 0;   // moved over the data connection
  bool complete = false;  // 226 sent (an upload also committed); else cut, aborted or refused at the end
  std::chrono::steady_clock::duration duration{};  // from the 150 to the end
};
using LogEvent = std::variant<LoginEvent, TransferEvent>;
inline constexpr size_t kMaxLoggedUser = 64;

// Actions, for the driver.
struct OpenPassive {};   // listen for a data connection; answer with on_passive_opened()
struct ClosePassive {};  // close the passive listener, if any
struct SendFile {
  UniqueFd file;
  uint64_t offset = 0;
  uint64_t length = 0;
};
struct ReceiveFile {
  int fd = -1;  // borrowed: the session owns the file until the transfer ends
  // A whole-file upload: a temporary file, renamed into place only if the
  // transfer completes (so the driver makes sure it did: see
  // ControlConnection::transfer_done). False for APPE and resumed uploads,
  // which write the file in place.
  bool renamed_at_end = false;
};
struct SendListing {
  std::unique_ptr<ListingStream> listing;
};
struct StartTransfer {
  // Active mode (PORT/EPRT): connect here. Otherwise accept one connection on
  // the passive listener, from the control connection's IP only.
  std::optional<SocketAddress> connect_to;
  std::variant<SendFile, ReceiveFile, SendListing> payload;
};
struct AbortTransfer {};  // close the data connection; no on_transfer_finished follows
struct CloseControl {};   // close the control connection once the replies are sent
using Action = std::variant<OpenPassive, ClosePassive, StartTransfer, AbortTransfer, CloseControl>;

enum class TransferResult {
  complete,         // 226
  connect_failed,   // 425: no data connection could be opened (or none came)
  connection_lost,  // 426: the peer closed or reset it midway
  timed_out,        // 426: no progress for the data timeout
  local_error,      // 451 (452 when the error is ENOSPC or EDQUOT)
};

class Session {
 public:
  Session(const SessionConfig& config, SocketAddress peer, SocketAddress local);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Events from the driver.
  void start();  // the 220 greeting
  void on_line(std::string_view line);
  void on_line_too_long();
  void on_passive_opened(std::optional<uint16_t> port);
  void on_transfer_progress(uint64_t bytes_so_far);
  void on_transfer_finished(TransferResult result, int error = 0);
  void on_idle_timeout();
  // The control connection is gone, or the server stops: a transfer still
  // running (or an upload held by the driver) ends incomplete, and its
  // temporary file is removed. Nothing more is answered.
  void on_disconnect();

  // Output for the driver.
  std::string take_replies();
  std::vector<Action> take_actions();
  std::vector<LogEvent> take_log_events();

  bool transfer_active() const { return transfer_.has_value(); }
  bool closing() const { return closing_; }
  bool logged_in() const { return login_ == Login::done; }
  // QUIT came during the transfer: the session ends when the transfer does.
  bool quit_requested() const { return quit_after_transfer_; }

 private:
  enum class Login { need_user, need_password, done };
  enum class LoginRule { before, after };  // may the command come before login?
  enum class ArgumentRule { none, optional, required };
  enum class DataSetup { none, passive, active };
  enum class Write { create_file, create_directory, overwrite, append, remove, rename };
  struct CommandSpec;
  struct Transfer {
    std::string kind;  // "RETR", "LIST"... for STAT
    uint64_t bytes = 0;
    std::optional<Upload> upload;
    std::string path;  // RETR, STOR, APPE: the file, for the log; empty for listings
    std::chrono::steady_clock::time_point started{};
  };

  static const CommandSpec* find_command(std::string_view verb);
  void execute(std::string_view line);
  bool runs_during_transfer(std::string_view line) const;
  void run_queued();
  void reply(int code, std::string_view text);
  void act(Action action);
  void close_control();
  void log_login(bool accepted);
  // The transfer ends here: its TransferEvent, if it moved a file.
  void log_transfer(const Transfer& transfer, bool complete);
  // Ends the running transfer without a reply of its own (ABOR, a close):
  // logged incomplete, its upload discarded.
  void drop_transfer();

  // session_login.cpp
  void cmd_user(const std::string& argument);
  void cmd_pass(const std::string& argument);
  void cmd_quit(const std::string& argument);
  Access access() const;
  bool may(Write write) const;
  void refuse_write(Write write);

  // session_info.cpp
  void cmd_syst(const std::string& argument);
  void cmd_feat(const std::string& argument);
  void cmd_opts(const std::string& argument);
  void cmd_help(const std::string& argument);
  void cmd_noop(const std::string& argument);
  void cmd_stat(const std::string& argument);
  void cmd_allo(const std::string& argument);
  void stat_server();
  void stat_path(const std::string& argument);

  // session_files.cpp
  void cmd_pwd(const std::string& argument);
  void cmd_cwd(const std::string& argument);
  void cmd_cdup(const std::string& argument);
  void cmd_mkd(const std::string& argument);
  void cmd_rmd(const std::string& argument);
  void cmd_dele(const std::string& argument);
  void cmd_rnfr(const std::string& argument);
  void cmd_rnto(const std::string& argument);
  void cmd_size(const std::string& argument);
  void cmd_mdtm(const std::string& argument);
  void cmd_mlst(const std::string& argument);
  // A path argument as a clean virtual path, or nullopt after replying 501
  // (control characters, too long) or 550 (a private upload temporary, a
  // segment starting with '.' unless --dotfiles allow, or climbing above
  // "/": refused, except for CWD, where ".." at "/" stays).
  enum class AboveRoot { refuse, clamp };
  std::optional<std::string> resolve(std::string_view argument, AboveRoot above = AboveRoot::refuse);
  std::optional<struct stat> stat_or_reply(const std::string& path);
  void reply_errno(int error);

  // session_data.cpp: setting up data connections
  void cmd_type(const std::string& argument);
  void cmd_mode(const std::string& argument);
  void cmd_stru(const std::string& argument);
  void cmd_pasv(const std::string& argument);
  void cmd_epsv(const std::string& argument);
  void cmd_port(const std::string& argument);
  void cmd_eprt(const std::string& argument);
  void cmd_rest(const std::string& argument);
  void cmd_abor(const std::string& argument);
  void use_active(const SocketAddress& target);
  bool data_setup_allowed();

  // session_transfer.cpp: commands that use a data connection
  void cmd_retr(const std::string& argument);
  void cmd_stor(const std::string& argument);
  void cmd_appe(const std::string& argument);
  void cmd_list(const std::string& argument);
  void cmd_nlst(const std::string& argument);
  void cmd_mlsd(const std::string& argument);
  void store(const std::string& argument, bool append);
  std::optional<Upload> open_upload(const std::string& path, bool append, uint64_t offset, bool* in_place);
  bool upload_allowed(int stat_error, const struct stat& st, bool append, uint64_t offset);
  void send_listing(const std::string& argument, ListingFormat format);
  bool ready_for_transfer();
  void begin_transfer(std::string kind, std::string preliminary,
                      std::variant<SendFile, ReceiveFile, SendListing> payload,
                      std::optional<Upload> upload = std::nullopt, std::string path = {});
  bool finish_upload(Transfer& transfer);  // true when committed
  void reply_transfer_result(TransferResult result, int error);
  ListingOptions listing_options(ListingFormat format) const;

  const SessionConfig& config_;
  const RootDirectory& root_;
  SocketAddress peer_;
  SocketAddress local_;

  Login login_ = Login::need_user;
  std::string user_;
  bool anonymous_ = false;
  size_t login_failures_ = 0;

  std::string cwd_ = "/";
  bool binary_ = false;  // TYPE I; ASCII (the default) is sent unconverted, as vsftpd does
  FactSet facts_ = kDefaultFacts;
  std::optional<std::string> rename_from_;
  uint64_t restart_offset_ = 0;

  DataSetup data_setup_ = DataSetup::none;
  SocketAddress active_target_;
  bool epsv_all_ = false;      // RFC 2428 §4: only EPSV from now on
  bool passive_pending_ = false;
  bool passive_extended_ = false;  // EPSV (229 reply) rather than PASV (227)
  std::optional<Transfer> transfer_;
  bool quit_after_transfer_ = false;
  std::deque<std::string> queued_;  // lines that arrived during a transfer

  bool closing_ = false;
  std::string replies_;
  std::vector<Action> actions_;
  std::vector<LogEvent> log_events_;
};

}  // namespace muxd::ftp
