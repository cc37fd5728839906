#include "http/models/model.h"

#include <stdexcept>

#include "http/http_worker.h"

namespace muxd::http {

const std::vector<ModelInfo>& models() {
  static const std::vector<ModelInfo> table = {
      {IoModel::iterative, "iterative", "one client at a time, blocking IO: the next client waits", false,
       make_iterative_worker},
      {IoModel::fork, "fork", "a process per connection, blocking IO", true, make_fork_worker},
      {IoModel::thread, "thread", "a thread per connection, blocking IO", true, make_thread_worker},
      {IoModel::nonblocking, "nonblocking", "one thread polling non-blocking sockets in a loop: burns a core", true,
       make_nonblocking_worker},
      {IoModel::select, "select", "one thread waiting in select(2), at most FD_SETSIZE descriptors", true,
       make_select_worker},
      {IoModel::poll, "poll", "one thread waiting in poll(2)", true, make_poll_worker},
      {IoModel::epoll, "epoll", "an epoll reactor per worker (the default)", true, make_epoll_worker},
      {IoModel::uring, "uring", "io_uring per worker: multishot accept and receive, batched submission", true,
       make_uring_worker},
      {IoModel::coroutine, "coroutine", "a C++20 coroutine per connection on one epoll loop", true,
       make_coroutine_worker},
  };
  return table;
}

const ModelInfo& model_info(IoModel model) {
  for (const ModelInfo& info : models())
    if (info.model == model) return info;
  throw std::logic_error("unknown IoModel");
}

std::optional<IoModel> parse_model(std::string_view name) {
  for (const ModelInfo& info : models())
    if (info.name == name) return info.model;
  return std::nullopt;
}

std::unique_ptr<ServiceWorker> make_epoll_worker(const ModelContext& context) {
  return std::make_unique<HttpWorker>(context.loop, context.config, context.root, context.access_log_fd);
}

}  // namespace muxd::http
