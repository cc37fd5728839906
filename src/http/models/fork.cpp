// --model fork: the course's multiprocessing server, a process per
// connection. The worker's loop accepts (on_accept) and forks; the child
// serves that one connection in blocking poll(2) (blocking_connection.h) and
// _exits; the parent closes its copy of the socket and watches the child
// through a pidfd (pidfd_open(2)) on its loop, reaping it (waitpid) as soon
// as it exits: no zombies. --workers N: N accepting loops, each forking.
//
// Stopping: the drain sends each child SIGTERM (which it reads from a
// signalfd in its poll set: it finishes the exchange in flight, then exits)
// and is done once all are reaped; the destructor (after a second signal or
// the shutdown timeout) SIGKILLs and reaps whatever is left.
#include <dirent.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <unordered_map>

#include "http/models/blocking_connection.h"
#include "http/models/model.h"

namespace muxd::http {
namespace {

constexpr auto kReapPollInterval = std::chrono::milliseconds(100);

// In the child: closes the descriptors the parent's threads hold that the
// child must not keep: the listening sockets (a child holding one would keep
// the port open after the server stopped listening), other connections,
// epoll, eventfd, signalfd and pidfd descriptors. Kept: stdio, `keep_a`,
// `keep_b`, and the files and directories (the DocumentRoot's O_PATH
// directory, log files). Reads /proc/self/fd with getdents64 into a stack
// buffer: no allocation, and the fd numbers of procfs entries are positions,
// so closing while reading skips nothing.
void close_inherited(int keep_a, int keep_b) {
  int dir = ::open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return;
  alignas(8) char buffer[4096];
  for (;;) {
    long n = ::syscall(SYS_getdents64, dir, buffer, sizeof buffer);
    if (n <= 0) break;
    for (long offset = 0; offset < n;) {
      auto* entry = reinterpret_cast<struct dirent64*>(buffer + offset);
      offset += entry->d_reclen;
      if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
      int fd = std::atoi(entry->d_name);
      if (fd <= STDERR_FILENO || fd == keep_a || fd == keep_b || fd == dir) continue;
      struct stat st;
      if (::fstat(fd, &st) != 0) continue;
      mode_t type = st.st_mode & S_IFMT;
      if (type == S_IFSOCK || type == S_IFIFO || type == 0) ::close(fd);  // 0: anonymous inodes
    }
  }
  ::close(dir);
}

// In the child, before it writes its access log lines: the server's reopen
// on SIGHUP/SIGUSR1 (LogFile::reopen) replaced the parent's descriptor, not
// this copy, which still points at the file logrotate moved away. When the
// path now names another file, open it onto our descriptor as the parent
// did (Python's WatchedFileHandler does the same check). A path that does not
// exist yet is left for the parent to create: until then lines go where the
// parent's go too, to the old file.
void follow_rotation(const ModelContext& context) {
  const std::string& path = context.config.access_log;
  if (path == "-" || path == "off" || context.access_log_fd < 0) return;
  struct stat now_at_path, ours;
  if (::stat(path.c_str(), &now_at_path) != 0 || ::fstat(context.access_log_fd, &ours) != 0) return;
  if (now_at_path.st_dev == ours.st_dev && now_at_path.st_ino == ours.st_ino) return;
  UniqueFd fresh(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (fresh) ::dup3(fresh.get(), context.access_log_fd, O_CLOEXEC);
}

// The child's whole life. It runs only the forking thread of a multithreaded
// parent (fork(2): "the child process is created with a single thread"), so
// every lock another parent thread held at fork time stays locked in the
// child forever: the child must take no lock a parent thread may hold.
// - Time stamps (Date header, access and error log) are calendar arithmetic
//   (http_date.cpp, core/log.cpp), never gmtime_r/localtime_r/strftime with
//   %Z: those take glibc's tzset lock. They used to, and that was the hang
//   this model had under load: the main thread writes its start-up lines
//   (log_line -> gmtime_r; the first call also reads /etc/localtime under the
//   lock) just as the test's first connection arrives; a worker forked at that
//   instant, and the child waited on tzset_lock in SessionShared's first
//   refresh_clock() until the parent's shutdown timeout killed it
//   (tests/unit/http/fork_safe_time_test.cpp holds the lock on purpose).
// - glibc's malloc arenas, stdio's list and the loader's lock are taken
//   around fork and reset in the child by glibc itself.
// - The error log takes no lock (one write(2) per line); nothing uses stdio;
//   the sessions' state (SessionShared, file cache) is built afresh here; the
//   parent's loop, acceptor and their mutexes are never touched.
// Not covered: a sanitizer runtime's own locks. clang 14's ASan allocator has
// no fork handler, so a child can inherit a size class's lock held by the
// other worker thread (which allocates a Child record per fork, frees one per
// exit) and hang in its first allocation: seen in test_large_parallel (200
// parallel clients), 2 of 19 loaded ASan runs, so that test is left out of the
// ASan trees for this model (tests/integration/CMakeLists.txt). glibc's malloc
// has no such gap. The general cure, forking from a process that has one
// thread (a fork server started before the workers), is left undone.
[[noreturn]] void child_main(const ModelContext& context, UniqueFd fd, const SocketAddress& peer, pid_t parent) {
  // A parent that dies (even by SIGKILL) stops its children gracefully.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(0);
  close_inherited(fd.get(), context.access_log_fd);
  // The parent blocked these in every thread (run_server); the mask is
  // inherited, so they wait for this signalfd, polled beside the socket.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int signal : {SIGINT, SIGTERM, SIGQUIT}) sigaddset(&stop_signals, signal);
  UniqueFd stop(::signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC));
  {
    SessionShared shared(context.config, context.root, context.access_log_fd,
                         [] { return SessionDriver::Clock::now(); });
    serve_blocking(std::move(fd), peer, shared, {{stop.get(), -1}, [&context] { follow_rotation(context); }});
  }  // flushed the access log
  ::_exit(0);
}

class ForkWorker;

// One live child: its pidfd becomes readable when it exits.
struct Child final : Watcher {
  Child(ForkWorker& owner, pid_t child, UniqueFd fd) : worker(owner), pid(child), pidfd(std::move(fd)) {}
  void handle_events(uint32_t) override;

  ForkWorker& worker;
  pid_t pid;
  UniqueFd pidfd;
};

class ForkWorker final : public ServiceWorker {
 public:
  explicit ForkWorker(const ModelContext& context) : context_(context), loop_(context.loop) {}

  ~ForkWorker() override {
    // The loop has stopped: whatever is still running is cut (a second
    // signal, or the shutdown timeout ran out) and reaped here.
    for (auto& [pid, child] : children_) ::kill(pid, SIGKILL);
    for (pid_t pid : unwatched_) ::kill(pid, SIGKILL);
    for (auto& [pid, child] : children_) ::waitpid(pid, nullptr, 0);
    for (pid_t pid : unwatched_) ::waitpid(pid, nullptr, 0);
  }

  void on_accept(size_t, UniqueFd fd, const SocketAddress& peer) override;

  void interrupt(bool now) override {
    stopping_.store(true, std::memory_order_relaxed);
    if (now) loop_.run_in_loop([this] { signal_all(SIGKILL); });
  }

  void drain(std::function<void()> done) override {
    stopping_.store(true, std::memory_order_relaxed);
    signal_all(SIGTERM);
    done_ = std::move(done);
    maybe_done();
  }

  void reaped(Child* child);

 private:
  size_t live() const { return children_.size() + unwatched_.size(); }
  void signal_all(int signal) {
    for (auto& [pid, child] : children_) ::kill(pid, signal);
    for (pid_t pid : unwatched_) ::kill(pid, signal);
  }
  void watch(pid_t pid);
  void reap_unwatched();
  void maybe_done() {
    if (done_ && live() == 0) std::exchange(done_, nullptr)();
  }

  ModelContext context_;  // a copy: the one given to make_fork_worker is a temporary
  EventLoop& loop_;
  std::unordered_map<pid_t, std::unique_ptr<Child>> children_;
  std::vector<pid_t> unwatched_;  // pidfd_open failed: reaped by polling
  bool reap_timer_ = false;
  std::function<void()> done_;
  std::atomic<bool> stopping_{false};
  ThrottledWarning fork_failed_;
};

void Child::handle_events(uint32_t) { worker.reaped(this); }

void ForkWorker::on_accept(size_t, UniqueFd fd, const SocketAddress& peer) {
  if (stopping_.load(std::memory_order_relaxed)) return;
  if (context_.config.max_connections && live() >= context_.config.max_connections) return;  // refused
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) child_main(context_, std::move(fd), peer, parent);
  if (pid < 0) return fork_failed_.warn("fork: {}; closing the connection", std::strerror(errno));
  watch(pid);
}  // the parent's copy of the connection closes here

void ForkWorker::watch(pid_t pid) {
  // The syscall: glibc 2.36's <sys/pidfd.h> lacks C linkage for C++.
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) {
    unwatched_.push_back(pid);
    if (!reap_timer_) {
      reap_timer_ = true;
      loop_.run_after(kReapPollInterval, [this] { reap_unwatched(); });
    }
    return;
  }
  auto child = std::make_unique<Child>(*this, pid, std::move(pidfd));
  loop_.add(child->pidfd.get(), EPOLLIN, child.get());
  children_.emplace(pid, std::move(child));
}

void ForkWorker::reaped(Child* child) {
  ::waitpid(child->pid, nullptr, WNOHANG);
  loop_.remove(child->pidfd.get());
  auto it = children_.find(child->pid);
  loop_.destroy_later(std::move(it->second));  // we are inside its handler
  children_.erase(it);
  maybe_done();
}

void ForkWorker::reap_unwatched() {
  std::erase_if(unwatched_, [](pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) != 0; });
  reap_timer_ = !unwatched_.empty();
  if (reap_timer_) loop_.run_after(kReapPollInterval, [this] { reap_unwatched(); });
  maybe_done();
}

}  // namespace

std::unique_ptr<ServiceWorker> make_fork_worker(const ModelContext& context) {
  return std::make_unique<ForkWorker>(context);
}

}  // namespace muxd::http
