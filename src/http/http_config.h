#pragma once
// Everything `muxd http` can be told on its command line.
#include <chrono>
#include <cstddef>
#include <string>

#include "core/address.h"
#include "http/access_log.h"
#include "http/content_coding.h"
#include "http/request_parser.h"
#include "http/site_extras.h"

namespace muxd::http {

class BasicAuth;
class Metrics;
struct WorkerCounters;

// `--model`: how connections are driven (src/http/models/, one file each).
// The protocol (http::Session) and the site are the same in every model.
enum class IoModel { iterative, fork, thread, nonblocking, select, poll, epoll, uring, coroutine };

struct HttpConfig {
  std::string root;              // the directory served
  SocketAddress listen;          // 127.0.0.1:8080 by default
  size_t workers = 1;            // one epoll loop and one SO_REUSEPORT listener each
  std::string access_log = "-";  // a path, "-" for stdout, "off"
  std::chrono::milliseconds header_timeout{10'000};  // whole request head (and body) must arrive in this
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{60'000};   // longest time without write progress
  std::chrono::milliseconds shutdown_timeout{30'000};
  ParserLimits limits;
  size_t max_connections = 0;  // per worker, 0: only the descriptor limit
  bool allow_dotfiles = false;  // --dotfiles allow
  CompressMode compress = CompressMode::automatic;  // --compress auto|static|off
  IoModel model = IoModel::epoll;
  // Operations (docs/http-operations.md): off when empty.
  std::string status_path;  // --status-path: Prometheus counters
  std::string health_path;  // --health-path: "200 ok"
  AccessLogFormat access_log_format = AccessLogFormat::combined;
  std::string auth_file;    // --auth-file: htpasswd, Basic auth on every path but the health path
  std::string auth_realm = "muxd";
  double auth_check_rate = 1;    // password checks per client address per second...
  double auth_check_burst = 10;  // ...and at once (past them: 429)
  // Not flags: run_server gives each worker a copy of the config with these set.
  size_t worker_index = 0;
  WorkerCounters* counters = nullptr;  // this worker's, when --status-path is on
  const Metrics* metrics = nullptr;
  BasicAuth* auth = nullptr;           // when --auth-file is on
  SiteExtras extras;  // listings, SPA, --header, --cors, --cache-control
};

}  // namespace muxd::http
