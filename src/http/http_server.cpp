#include "http/http_server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "core/log.h"
#include "core/signals.h"
#include "core/socket.h"
#include "core/worker_pool.h"
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

// One listener per worker on the same port (SO_REUSEPORT): the kernel
// balances new connections and no worker contends on a shared accept queue.
// With port 0 the first socket picks the port and the others join it.
std::vector<UniqueFd> open_listeners(const HttpConfig& config, SocketAddress& bound) {
  std::vector<UniqueFd> listeners;
  listeners.push_back(listen_tcp(config.listen, 4096, true, true));
  bound = local_address(listeners.front().get());
  for (size_t i = 1; i < config.workers; ++i) listeners.push_back(listen_tcp(bound, 4096, true, true));
  // HTTP clients speak first: accept a connection when its request is there,
  // so the read right after accept finds it (nginx's "listen ... deferred").
  // A silent client is accepted once the header timeout ran out, then cut.
  auto defer = std::chrono::ceil<std::chrono::seconds>(config.header_timeout).count();
  for (auto& listener : listeners) set_defer_accept(listener.get(), static_cast<int>(defer));
  return listeners;
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
  block_signals({SIGINT, SIGTERM});
  std::unique_ptr<DocumentRoot> root;
  std::vector<UniqueFd> listeners;
  SocketAddress bound;
  try {
    root = std::make_unique<DocumentRoot>(config.root);
    listeners = open_listeners(config, bound);
  } catch (const std::exception& error) {
    log_error("muxd http: {}", error.what());
    return 1;
  }
  UniqueFd access_log(open_access_log(config.access_log));
  if (!access_log && config.access_log != "off") {
    log_error("muxd http: cannot open access log {}: {}", config.access_log, std::strerror(errno));
    return 1;
  }

  EventLoop main_loop;
  WorkerPool pool(config.workers);
  std::atomic<size_t> drained{0};
  std::vector<std::unique_ptr<HttpWorker>> workers;
  for (size_t i = 0; i < pool.size(); ++i) {
    workers.push_back(std::make_unique<HttpWorker>(
        pool.loop(i), config, *root, access_log.get(), std::move(listeners[i]), [&] {
          main_loop.run_in_loop([&] {
            if (++drained == pool.size()) main_loop.quit();
          });
        }));
    HttpWorker* worker = workers.back().get();
    pool.loop(i).run_in_loop([worker] { worker->start(); });
  }

  bool stopping = false;
  SignalWatcher signals(main_loop, {SIGINT, SIGTERM}, [&](int signal) {
    if (stopping) {  // a second signal: stop now
      log_warn("muxd http: signal {} again, stopping now", signal);
      return main_loop.quit();
    }
    stopping = true;
    log_info("muxd http: signal {}, finishing responses in flight (up to {} ms)", signal,
             config.shutdown_timeout.count());
    for (size_t i = 0; i < pool.size(); ++i) {
      HttpWorker* worker = workers[i].get();
      pool.loop(i).run_in_loop([worker] { worker->begin_drain(); });
    }
    main_loop.run_after(config.shutdown_timeout, [&] { main_loop.quit(); });
  });

  pool.start();
  std::string line = "muxd http listening on " + bound.to_string() + "\n";
  [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
  main_loop.run();
  pool.stop();
  workers.clear();  // closes what is left and flushes the access log
  return 0;
}

}  // namespace muxd::http
