// `muxd ftp` (the server) and `muxd ftp-client`: their command lines.
#include <CLI/CLI.hpp>

#include <fmt/core.h>

#include <unistd.h>

#include <charconv>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/worker_pool.h"
#include "ftp/client_app.h"
#include "ftp/netrc.h"
#include "ftp/password_prompt.h"
#include "ftp/ftp_server.h"

namespace muxd {
namespace {

struct FtpFlags {
  std::string root = ".";
  std::string listen = "127.0.0.1:2121";
  std::string passive_ports;
  bool read_only = false;
  bool no_anonymous = false;
  bool anonymous_write = false;
  std::string dotfiles = "deny";
  std::string log = "-";
  std::string users_file;
  size_t max_clients = 1000;
  size_t max_per_ip = 200;
  size_t workers = WorkerPool::default_count();
  double idle_timeout = 300;
  double data_timeout = 60;
};

bool parse_port(std::string_view text, uint16_t& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

// "LO-HI", both 1..65535 and LO <= HI.
bool parse_port_range(const std::string& text, ftp::FtpConfig& config) {
  size_t dash = text.find('-');
  if (dash == std::string::npos) return false;
  return parse_port(std::string_view(text).substr(0, dash), config.passive_low) &&
         parse_port(std::string_view(text).substr(dash + 1), config.passive_high) &&
         config.passive_low <= config.passive_high;
}

int run_ftp(const FtpFlags& flags) {
  ftp::FtpConfig config;
  auto listen = parse_listen_flag("ftp", flags.listen);
  if (!listen) return 2;
  if (!flags.passive_ports.empty() && !parse_port_range(flags.passive_ports, config)) {
    fmt::print(stderr, "muxd ftp: --pasv-ports {}: expected LO-HI, 1 <= LO <= HI <= 65535\n",
               flags.passive_ports);
    return 2;
  }
  config.listen = *listen;
  config.root = flags.root;
  config.read_only = flags.read_only;
  config.allow_anonymous = !flags.no_anonymous;
  config.anonymous_write = flags.anonymous_write;
  config.allow_dotfiles = flags.dotfiles == "allow";
  config.log = flags.log;
  config.users_file = flags.users_file;
  config.max_clients = flags.max_clients;
  config.max_per_ip = flags.max_per_ip;
  config.workers = flags.workers;
  config.idle_timeout = seconds_flag(flags.idle_timeout);
  config.data_timeout = seconds_flag(flags.data_timeout);
  return ftp::run_server(config);
}

void register_server(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<FtpFlags>();
  CLI::App* ftp = app.add_subcommand("ftp", "FTP file server (RFC 959, 2389, 2428, 3659)");
  ftp->add_option("--root", flags->root, "Directory to serve")->capture_default_str()->check(directory_check());
  ftp->add_option("--listen", flags->listen, "Address to listen on: HOST:PORT or [V6]:PORT, port 0 picks one")
      ->capture_default_str();
  ftp->add_option("--pasv-ports", flags->passive_ports, "Ports for passive data connections, LO-HI (default: any)");
  ftp->add_flag("--read-only", flags->read_only, "Refuse every upload, deletion, rename and mkdir");
  ftp->add_option("--users", flags->users_file, "Accounts file: one name:SHA-512-crypt-hash a line")
      ->check(CLI::ExistingFile);
  ftp->add_flag("--no-anonymous", flags->no_anonymous, "Refuse anonymous logins");
  ftp->add_flag("--anonymous-write", flags->anonymous_write,
                "Let anonymous users upload, create, delete and rename (default: they only list and download)");
  ftp->add_option("--dotfiles", flags->dotfiles,
                  "Names starting with '.' (.git, .ssh): deny (550 and unlisted, the default) or allow")
      ->capture_default_str()->check(CLI::IsMember({"deny", "allow"}));
  ftp->add_option("--log", flags->log, "Log of logins and transfers: FILE, - for stdout, off")
      ->capture_default_str();
  ftp->add_option("--max-clients", flags->max_clients, "Clients at once; more get 421 (0: no limit)")
      ->capture_default_str()->check(count_check(0));
  ftp->add_option("--max-per-ip", flags->max_per_ip, "Clients at once from one IP; more get 421 (0: no limit)")
      ->capture_default_str()->check(count_check(0));
  ftp->add_option("--workers", flags->workers, "Worker threads, one epoll loop each (default: online CPUs)")
      ->check(count_check(1, 256));
  ftp->add_option("--idle-timeout", flags->idle_timeout, "Seconds a client may stay silent between commands")
      ->capture_default_str()->check(seconds_check());
  ftp->add_option("--data-timeout", flags->data_timeout,
                  "Seconds a data connection may take to open, or go without moving a byte")
      ->capture_default_str()->check(seconds_check());
  ftp->callback([flags, &run] { run = [flags] { return run_ftp(*flags); }; });
}

struct ClientFlags {
  std::string server;
  ftp::ClientOptions options;
  bool no_netrc = false;
};

int run_ftp_client(ClientFlags& flags) {
  std::string error;
  if (!ftp::parse_server(flags.server, flags.options, &error)) {
    fmt::print(stderr, "muxd ftp-client: {}\n", error);
    return 2;
  }
  flags.options.interactive = ::isatty(STDIN_FILENO) == 1;
  if (!flags.no_netrc) flags.options.netrc_path = ftp::default_netrc_path();
  auto ask = [](const std::string& prompt) { return ftp::read_password(STDIN_FILENO, prompt); };
  return ftp::run_client(flags.options, std::cin, std::cout, std::cerr, ask);
}

void register_client(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<ClientFlags>();
  CLI::App* client = app.add_subcommand(
      "ftp-client", "FTP client: a menu (1 list, 2 download, 3 upload, 4 exit, 5 cd, 6 pwd), or one command: "
                    "ls [PATH] | pwd | get REMOTE [LOCAL] | put LOCAL [REMOTE]");
  client->add_option("server", flags->server, "HOST[:PORT] (default port 21)")->required();
  client->add_option("command", flags->options.command, "One command to run instead of the menu");
  client->add_option("--user", flags->options.user,
                     "User name (default: the login in ~/.netrc for the host, else anonymous)");
  client->add_option("--password", flags->options.password,
                     "Password (default: ~/.netrc's, else asked for on the terminal without echo)");
  client->add_flag("--yes,--force", flags->options.assume_yes, "Overwrite local files without asking");
  client->add_flag("--no-netrc", flags->no_netrc, "Do not read ~/.netrc");
  client->callback([flags, &run] { run = [flags] { return run_ftp_client(*flags); }; });
}

}  // namespace

void register_ftp_commands(CLI::App& app, CommandRun& run) {
  register_server(app, run);
  register_client(app, run);
}

}  // namespace muxd
