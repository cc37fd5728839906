// `muxd http`: the static web server's command line.
#include <CLI/CLI.hpp>

#include <fmt/core.h>

#include <chrono>
#include <memory>

#include "cli/commands.h"
#include "core/worker_pool.h"
#include "http/http_server.h"
#include "http/models/model.h"
#include "http/site_flags.h"

namespace muxd {
namespace {

struct HttpFlags {
  std::string root;
  std::string listen = "127.0.0.1:8080";
  size_t workers = WorkerPool::default_count();
  std::string access_log = "-";
  double header_timeout = 10, idle_timeout = 60, write_timeout = 60, shutdown_timeout = 30;
  uint64_t max_body_bytes = 1 << 20;
  size_t max_connections = 0;
  std::string dotfiles = "deny";
  std::string model = "epoll";
  std::string compress = "auto";
  std::string status_path, health_path, access_log_format = "combined", auth_file, auth_realm = "muxd";
  double auth_check_rate = 1, auth_check_burst = 10;
  http::SiteFlags site;  // DIR, --dir-listing, --spa, --header, --cors, --cache-control
};

// --status-path, --health-path: an absolute path, no query, no dot segments.
CLI::Validator endpoint_path_check() {
  return CLI::Validator(
      [](std::string& path) -> std::string {
        if (path.empty() || path.front() != '/') return "must start with '/'";
        if (path.find_first_of("?# \t") != std::string::npos) return "must be a plain path (no '?', '#', spaces)";
        return {};
      },
      "PATH");
}

int run_http(const HttpFlags& flags) {
  http::HttpConfig config;
  auto listen = parse_listen_flag("http", flags.listen);
  if (!listen) return 2;
  config.listen = *listen;
  if (!http::apply_site_flags(flags.site, flags.root, config)) return 2;
  if (config.root.empty()) config.root = http::bundled_site_root();
  if (config.root.empty()) {
    fmt::print(stderr, "muxd http: no --root given and the bundled site was not found\n");
    return 2;
  }
  config.workers = flags.workers;
  config.access_log = flags.access_log;
  config.header_timeout = seconds_flag(flags.header_timeout);
  config.idle_timeout = seconds_flag(flags.idle_timeout);
  config.write_timeout = seconds_flag(flags.write_timeout);
  config.shutdown_timeout = seconds_flag(flags.shutdown_timeout);
  config.limits.max_body_bytes = flags.max_body_bytes;
  config.max_connections = flags.max_connections;
  config.allow_dotfiles = flags.dotfiles == "allow";
  config.model = *http::parse_model(flags.model);  // checked by the flag's validator
  config.compress = flags.compress == "off"      ? http::CompressMode::off
                    : flags.compress == "static" ? http::CompressMode::sidecars_only
                                                 : http::CompressMode::automatic;
  config.status_path = flags.status_path;
  config.health_path = flags.health_path;
  config.access_log_format = flags.access_log_format == "json" ? http::AccessLogFormat::json
                                                               : http::AccessLogFormat::combined;
  config.auth_file = flags.auth_file;
  config.auth_realm = flags.auth_realm;
  config.auth_check_rate = flags.auth_check_rate;
  config.auth_check_burst = flags.auth_check_burst;
  return http::run_server(config);
}

}  // namespace

void register_http_command(CLI::App& app, CommandRun& run) {
  auto flags = std::make_shared<HttpFlags>();
  CLI::App* http = app.add_subcommand("http", "Static web server (HTTP/1.1): GET, HEAD, ranges, 304s, keep-alive");
  http->add_option("--root", flags->root, "Directory to serve (default: the bundled site)")
      ->check(directory_check());
  http->add_option("--listen", flags->listen, "Address to listen on: HOST:PORT or [V6]:PORT, port 0 picks one")
      ->capture_default_str();
  http->add_option("--workers", flags->workers, "Worker threads, one epoll loop each (default: online CPUs)")
      ->check(count_check(1, 256));
  http->add_option("--access-log", flags->access_log, "Access log (Combined Log Format): FILE, - for stdout, off")
      ->capture_default_str();
  http->add_option("--header-timeout", flags->header_timeout, "Seconds a request's head and body may take to arrive")
      ->capture_default_str()->check(seconds_check());
  http->add_option("--idle-timeout", flags->idle_timeout, "Seconds a keep-alive connection may wait idle")
      ->capture_default_str()->check(seconds_check());
  http->add_option("--write-timeout", flags->write_timeout, "Seconds a response may go without write progress")
      ->capture_default_str()->check(seconds_check());
  http->add_option("--shutdown-timeout", flags->shutdown_timeout,
                   "Seconds to let responses in flight finish after SIGINT/SIGTERM")
      ->capture_default_str()->check(seconds_check(0));
  http->add_option("--max-body-bytes", flags->max_body_bytes, "Largest request body accepted (413 above)")
      ->capture_default_str()->check(count_check(0, uint64_t{1} << 40));
  http->add_option("--max-connections", flags->max_connections,
                   "Connections per worker; more are closed at once (0: no limit)")
      ->capture_default_str()->check(count_check(0));
  http->add_option("--dotfiles", flags->dotfiles,
                   "Names starting with '.' (/.env, /.git/): deny (404, the default) or allow; /.well-known/ is always served")
      ->capture_default_str()->check(CLI::IsMember({"deny", "allow"}));
  http->add_option("--compress", flags->compress,
                   "Content coding (docs/http-compression.md): auto (FILE.br/.zst/.gz sidecars, else br, zstd or "
                   "gzip on the fly for text types), static (sidecars only), off")
      ->capture_default_str()->check(CLI::IsMember({"auto", "static", "off"}));
  std::vector<std::string> model_names;
  std::string model_help = "How connections are served (the course's concurrency models):";
  for (const http::ModelInfo& model : http::models()) {
    model_names.emplace_back(model.name);
    model_help += fmt::format("\n  {:<12} {}", model.name, model.summary);
  }
  http->add_option("--model", flags->model, model_help)->capture_default_str()->check(CLI::IsMember(model_names));
  // Operations: docs/http-operations.md.
  http->add_option("--status-path", flags->status_path,
                   "Serve Prometheus counters at this path (off by default; behind --auth-file when given)")
      ->check(endpoint_path_check());
  http->add_option("--health-path", flags->health_path,
                   "Answer '200 ok' at this path, for load balancers (off by default; never behind --auth-file)")
      ->check(endpoint_path_check());
  http->add_option("--access-log-format", flags->access_log_format, "Access log lines: combined or json")
      ->capture_default_str()->check(CLI::IsMember({"combined", "json"}));
  http->add_option("--auth-file", flags->auth_file,
                   "Require HTTP Basic auth: htpasswd FILE of user:hash lines, bcrypt ($2y$/$2b$) or SHA-512-crypt ($6$)")
      ->check(CLI::ExistingFile);
  http->add_option("--auth-realm", flags->auth_realm, "The realm a browser shows when it asks for a password")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& realm) -> std::string {  // it goes into a header: no CR/LF injection
            for (unsigned char c : realm)
              if (c < 0x20 || c == 0x7f) return "must not hold control characters";
            return {};
          },
          "TEXT"));
  http->add_option("--auth-check-burst", flags->auth_check_burst,
                   "Password checks a client address may make at once; past them 429 (verified clients are cached)")
      ->capture_default_str()->check(CLI::Range(1.0, 1e6));
  http->add_option("--auth-check-rate", flags->auth_check_rate, "Password checks per second a client address regains")
      ->capture_default_str()->check(CLI::Range(0.001, 1e6));
  http::add_site_flags(*http, flags->site);
  http->callback([flags, &run] { run = [flags] { return run_http(*flags); }; });
}

}  // namespace muxd
