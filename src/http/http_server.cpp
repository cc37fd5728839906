#include "http/http_server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>

#include "core/log.h"
#include "core/log_file.h"
#include "core/server.h"
#include "http/metrics.h"
#include "http/models/model.h"
#include "http/operations.h"

namespace muxd::http {
namespace {

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
  std::unique_ptr<LogFile> access_log;
  try {
    access_log = std::make_unique<LogFile>(config.access_log);
  } catch (const std::exception& error) {
    log_error("muxd http: {}", error.what());
    return 1;
  }

  const ModelInfo& model = model_info(config.model);
  ServerSpec spec;
  spec.service = "http";
  spec.workers = model.uses_workers ? config.workers : 1;
  // --status-path, --auth-file: the process's shared parts, and a config per worker.
  std::unique_ptr<Operations> operations = Operations::make(config, spec.workers, model.name);
  if (!operations) return 2;
  spec.drain_timeout = config.shutdown_timeout;
  // HTTP clients speak first: accept a connection when its request is there,
  // so the read right after accept finds it (nginx's "listen ... deferred").
  // A silent client is accepted once the header timeout ran out, then cut.
  auto defer = std::chrono::ceil<std::chrono::seconds>(config.header_timeout).count();
  ListenerSpec& listener = spec.listeners.emplace_back();
  listener.address = config.listen;
  listener.nodelay = true;
  listener.defer_accept_seconds = static_cast<int>(defer);
  spec.make_worker = [&](EventLoop& loop, size_t index) {
    return model.make_worker(ModelContext{loop, index, operations->worker_config(index), *root, access_log->fd()});
  };
  spec.on_ready = [&](const std::vector<SocketAddress>& bound) {
    std::string root_path = std::filesystem::absolute(config.root).lexically_normal().string();
    if (root_path.size() > 1 && root_path.back() == '/') root_path.pop_back();
    bool every_interface = bound.front().ip_string() == "0.0.0.0" || bound.front().ip_string() == "::";
    log_info("muxd http: serving {} at http://{}/{}", root_path, bound.front().to_string(),
             every_interface ? " (every interface)" : "");
    if (config.model != IoModel::epoll)
      log_info("muxd http: --model {}: {}{}", model.name, model.summary,
               model.uses_workers ? "" : " (always one worker, whatever --workers says)");
  };
  spec.reopen_logs = [&] {
    if (int error = access_log->reopen()) log_error("muxd http: cannot reopen {}: {}", config.access_log, std::strerror(error));
  };
  return run_server(spec);
}

}  // namespace muxd::http
