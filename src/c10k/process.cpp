#include "c10k/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace muxd::c10k {
namespace {

using Clock = std::chrono::steady_clock;

UniqueFd make_pipe(UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  write_end = UniqueFd(fds[1]);
  return UniqueFd(fds[0]);
}

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(char* const* argv, int cpu, int out, int err) {
  int null = ::open("/dev/null", O_RDWR);
  ::dup2(null, STDIN_FILENO);
  ::dup2(out >= 0 ? out : null, STDOUT_FILENO);
  ::dup2(err >= 0 ? err : null, STDERR_FILENO);
  if (cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    ::sched_setaffinity(0, sizeof set, &set);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execv(argv[0], argv);
  ::_exit(127);
}

// /proc/PID/stat: fields after the command (which may hold spaces and parentheses).
std::vector<std::string> stat_fields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return {};
  size_t close = line.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(line.substr(close + 2));
  std::vector<std::string> fields{"pid", "comm"};  // so fields[N - 1] is man proc's field N
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

std::map<pid_t, pid_t> parents() {
  std::map<pid_t, pid_t> parent_of;
  DIR* dir = ::opendir("/proc");
  if (!dir) return parent_of;
  while (dirent* entry = ::readdir(dir)) {
    pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    auto fields = stat_fields(pid);
    if (fields.size() > 4) parent_of[pid] = static_cast<pid_t>(std::stol(fields[3]));
  }
  ::closedir(dir);
  return parent_of;
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, int cpu, bool capture_stdout, bool capture_stderr) {
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  UniqueFd out_write, err_write;
  if (capture_stdout) out_ = make_pipe(out_write);
  if (capture_stderr) err_ = make_pipe(err_write);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid_ == 0) exec_child(args.data(), cpu, out_write.get(), err_write.get());
}

Child::~Child() {
  if (pid_ > 0) stop(std::chrono::milliseconds(2000));
}

std::optional<std::string> Child::wait_for_line(const std::string& prefix, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  for (;;) {
    for (size_t end; (end = pending_.find('\n')) != std::string::npos;) {
      std::string line = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      log_ += line + "\n";
      if (line.rfind(prefix, 0) == 0) return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0 || !err_) return std::nullopt;
    pollfd pfd{err_.get(), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
    char chunk[4096];
    ssize_t n = ::read(err_.get(), chunk, sizeof chunk);
    if (n <= 0) return std::nullopt;  // the child closed stderr: it exited
    pending_.append(chunk, static_cast<size_t>(n));
  }
}

void Child::drain_stderr() {
  char chunk[4096];
  pollfd pfd{err_.get(), POLLIN, 0};
  while (err_ && ::poll(&pfd, 1, 0) == 1) {
    ssize_t n = ::read(err_.get(), chunk, sizeof chunk);
    if (n <= 0) return err_.reset();
    log_.append(chunk, static_cast<size_t>(n));
  }
  if (log_.size() > 65536) log_.erase(0, log_.size() - 65536);
}

bool Child::read_stdout(std::string& into, std::chrono::milliseconds timeout) {
  if (!out_) return false;
  pollfd pfd{out_.get(), POLLIN, 0};
  int ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
  if (ready <= 0) return true;
  char chunk[16384];
  ssize_t n = ::read(out_.get(), chunk, sizeof chunk);
  if (n < 0 && errno == EINTR) return true;
  if (n <= 0) {
    out_.reset();
    return false;
  }
  into.append(chunk, static_cast<size_t>(n));
  return true;
}

int Child::wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int Child::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  auto deadline = Clock::now() + grace;
  int status = 0;
  while (Clock::now() < deadline) {
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    ::usleep(10'000);
  }
  ::kill(pid_, SIGKILL);
  return wait();
}

TreeSample sample_tree(pid_t root) {
  static const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  std::vector<pid_t> tree{root};
  auto parent_of = parents();
  for (size_t i = 0; i < tree.size(); ++i)
    for (auto [pid, parent] : parent_of)
      if (parent == tree[i]) tree.push_back(pid);
  TreeSample sample;
  for (pid_t pid : tree) {
    auto f = stat_fields(pid);
    if (f.size() < 24) continue;
    sample.cpu_seconds += (std::stod(f[13]) + std::stod(f[14])) / ticks;  // utime, stime
    if (pid == root) sample.cpu_seconds += (std::stod(f[15]) + std::stod(f[16])) / ticks;  // reaped children's
    sample.threads += std::stoull(f[19]);                                  // num_threads
    sample.rss_bytes += std::stoull(f[23]) * page;                         // rss, in pages
    ++sample.processes;
  }
  return sample;
}

}  // namespace muxd::c10k
