#pragma once
// The course's concurrency models as IO drivers of one HTTP server.
//
// Every model serves the same http::Session (the protocol, sans-IO) over the
// same StaticSite, inside the same server scaffold (core/server.h: listeners,
// signals, graceful stop, ready line). What differs is only how a model
// waits for sockets and who runs each connection: one file per model here.
//
//   model        who serves a connection                  waits in
//   iterative    the worker thread, one client at a time  blocking read/write
//   fork         a child process per connection           blocking read/write
//   thread       a thread per connection                  blocking read/write
//   nonblocking  one thread looping over every socket     nothing: it spins
//   select       one thread                               select(2)
//   poll         one thread                               poll(2)
//   epoll        one thread per worker (the default)      epoll_wait(2)
//   uring        one thread per worker                    io_uring completions
//   coroutine    a coroutine per connection, one thread   epoll, via co_await
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/event_loop.h"
#include "core/server.h"
#include "http/document_root.h"
#include "http/http_config.h"

namespace muxd::http {

// What a model's worker is made from: worker number `index` of the scaffold,
// on `loop` (whose thread the worker may block: see ServiceWorker::interrupt).
struct ModelContext {
  EventLoop& loop;
  size_t index;
  const HttpConfig& config;
  const DocumentRoot& root;
  int access_log_fd;
};

struct ModelInfo {
  IoModel model;
  std::string_view name;
  std::string_view summary;  // one line, for --help and the start-up line
  bool uses_workers;         // false: --workers is forced to 1
  std::unique_ptr<ServiceWorker> (*make_worker)(const ModelContext&);
};

const std::vector<ModelInfo>& models();
const ModelInfo& model_info(IoModel model);
std::optional<IoModel> parse_model(std::string_view name);

// One per model file.
std::unique_ptr<ServiceWorker> make_iterative_worker(const ModelContext&);
std::unique_ptr<ServiceWorker> make_fork_worker(const ModelContext&);
std::unique_ptr<ServiceWorker> make_thread_worker(const ModelContext&);
std::unique_ptr<ServiceWorker> make_nonblocking_worker(const ModelContext&);
std::unique_ptr<ServiceWorker> make_select_worker(const ModelContext&);
std::unique_ptr<ServiceWorker> make_poll_worker(const ModelContext&);
std::unique_ptr<ServiceWorker> make_epoll_worker(const ModelContext&);
std::unique_ptr<ServiceWorker> make_uring_worker(const ModelContext&);
std::unique_ptr<ServiceWorker> make_coroutine_worker(const ModelContext&);

}  // namespace muxd::http
