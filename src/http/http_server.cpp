#include "http/http_server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>

#include "core/log.h"
#include "core/server.h"
#include "http/http_worker.h"

namespace muxd::http {
namespace {

// "-": stdout; "off": none; else a file opened for appending. -1 with errno
// set when the file cannot be opened.
int open_access_log(const std::string& target) {
  if (target == "off") return -1;
  if (target == "-") return ::dup(STDOUT_FILENO);
  return ::open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string bundled_site_root() {
  std::error_code error;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    for (auto dir : {exe.parent_path() / "www", exe.parent_path().parent_path() / "www"})
      if (std::filesystem::exists(dir / "index.html", error)) return dir.string();
  }
  return is_directory(MUXD_SOURCE_WWW) ? MUXD_SOURCE_WWW : "";
}

int run_server(const HttpConfig& config) {
  std::unique_ptr<DocumentRoot> root;
  try {
    root = std::make_unique<DocumentRoot>(config.root);
  } catch (const std::exception& error) {
    log_error("muxd http: {}", error.what());
    return 1;
  }
  UniqueFd access_log(open_access_log(config.access_log));
  if (!access_log && config.access_log != "off") {
    log_error("muxd http: cannot open access log {}: {}", config.access_log, std::strerror(errno));
    return 1;
  }

  ServerSpec spec;
  spec.service = "http";
  spec.workers = config.workers;
  spec.drain_timeout = config.shutdown_timeout;
  // HTTP clients speak first: accept a connection when its request is there,
  // so the read right after accept finds it (nginx's "listen ... deferred").
  // A silent client is accepted once the header timeout ran out, then cut.
  auto defer = std::chrono::ceil<std::chrono::seconds>(config.header_timeout).count();
  ListenerSpec& listener = spec.listeners.emplace_back();
  listener.address = config.listen;
  listener.nodelay = true;
  listener.defer_accept_seconds = static_cast<int>(defer);
  spec.make_worker = [&](EventLoop& loop, size_t) {
    return std::make_unique<HttpWorker>(loop, config, *root, access_log.get());
  };
  return run_server(spec);
}

}  // namespace muxd::http
