// --model thread: a thread per connection, blocked in poll(2) on its own
// socket (blocking_connection.h). The worker's loop only accepts; each
// connection gets a detached thread with a small stack (256 KiB: thousands
// fit; a connection needs a few KiB of it) and a SessionShared of its own
// (the site's file cache, the parsed request, the access log buffer: nothing
// shared between threads but the DocumentRoot's descriptor, which openat2 only
// reads). Its access log lines are written when the connection ends (and at
// most once a second while it lasts), whole, one write(2) per flush.
//
// Stopping: every thread polls two eventfds of the worker: `graceful` makes
// its session finish the exchange in flight, `now` closes at once. The
// thread that ends last hands the drain's `done` back to the loop. The
// threads' bookkeeping (counter, eventfds, the drain's `done`) lives in a
// State they co-own, so the last thread never touches a freed worker; the
// worker's destructor still waits for every thread, since they read the
// config and the root it was built from.
#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "http/models/blocking_connection.h"
#include "http/models/model.h"

namespace muxd::http {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t kStackSize = 4 << 20;  // the sanitizers' frames are several times larger
#else
constexpr size_t kStackSize = 256 << 10;
#endif

struct State {
  explicit State(const ModelContext& context)
      : loop(context.loop), config(context.config), root(context.root), access_log_fd(context.access_log_fd) {}

  EventLoop& loop;
  const HttpConfig& config;
  const DocumentRoot& root;
  int access_log_fd;
  UniqueFd graceful = make_stop_fd();
  UniqueFd now = make_stop_fd();
  std::atomic<size_t> live{0};

  std::mutex mutex;  // guards done, and the last thread's hand-off
  std::condition_variable idle;
  std::function<void()> done;  // the drain's, once it waits for threads
};

struct Connection {
  std::shared_ptr<State> state;
  UniqueFd fd;
  SocketAddress peer;
};

void finish(State& state) {
  std::lock_guard lock(state.mutex);
  if (state.live.fetch_sub(1) == 1) {
    if (state.done) state.loop.run_in_loop(std::exchange(state.done, nullptr));
    state.idle.notify_all();
  }
}

void* serve(void* arg) {
  std::unique_ptr<Connection> connection(static_cast<Connection*>(arg));
  std::shared_ptr<State> state = connection->state;
  try {
    SessionShared shared(state->config, state->root, state->access_log_fd, [] { return SessionDriver::Clock::now(); });
    serve_blocking(std::move(connection->fd), connection->peer, shared, {{state->graceful.get(), state->now.get()}, {}});
  } catch (const std::exception& error) {
    log_error("connection thread: {}", error.what());
  }
  connection.reset();
  finish(*state);
  return nullptr;
}

class ThreadWorker final : public ServiceWorker {
 public:
  explicit ThreadWorker(const ModelContext& context)
      : state_(std::make_shared<State>(context)), max_connections_(context.config.max_connections) {
    ::pthread_attr_init(&attr_);
    ::pthread_attr_setdetachstate(&attr_, PTHREAD_CREATE_DETACHED);
    ::pthread_attr_setstacksize(&attr_, kStackSize);
  }

  ~ThreadWorker() override {
    raise_stop(state_->now.get());  // a no-op after a graceful stop that ended
    std::unique_lock lock(state_->mutex);
    state_->idle.wait(lock, [this] { return state_->live.load() == 0; });
    state_->done = nullptr;
    ::pthread_attr_destroy(&attr_);
  }

  void on_accept(size_t, UniqueFd fd, const SocketAddress& peer) override {
    if (stopping_.load(std::memory_order_relaxed)) return;
    if (max_connections_ && state_->live.load() >= max_connections_) return;  // refused: closed
    state_->live.fetch_add(1);
    auto connection = std::make_unique<Connection>(Connection{state_, std::move(fd), peer});
    pthread_t thread;
    int error = ::pthread_create(&thread, &attr_, serve, connection.get());
    if (error == 0) {
      connection.release();  // the thread owns it now
      return;
    }
    connection.reset();  // closes the connection
    state_->live.fetch_sub(1);  // on the loop thread, like drain: no hand-off can be pending
    create_failed_.warn("cannot start a connection thread: {}; closing the connection", std::strerror(error));
  }

  // Main thread: only the eventfds every connection thread polls.
  void interrupt(bool now) override {
    stopping_.store(true, std::memory_order_relaxed);
    raise_stop(state_->graceful.get());
    if (now) raise_stop(state_->now.get());
  }

  void drain(std::function<void()> done) override {
    stopping_.store(true, std::memory_order_relaxed);
    raise_stop(state_->graceful.get());
    {
      std::lock_guard lock(state_->mutex);
      if (state_->live.load() != 0) {
        state_->done = std::move(done);
        return;
      }
    }
    done();
  }

 private:
  std::shared_ptr<State> state_;
  size_t max_connections_;
  pthread_attr_t attr_;
  std::atomic<bool> stopping_{false};
  ThrottledWarning create_failed_;
};

}  // namespace

std::unique_ptr<ServiceWorker> make_thread_worker(const ModelContext& context) {
  return std::make_unique<ThreadWorker>(context);
}

}  // namespace muxd::http
