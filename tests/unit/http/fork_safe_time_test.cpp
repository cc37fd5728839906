// A --model fork child stamps times (DateCache: Date header, access log;
// log_line: error log) in a copy of a multithreaded parent, where a lock
// another thread held at fork time stays locked forever. glibc's gmtime_r
// takes its tzset lock; the children used to hang there when the parent's
// main thread was logging its start-up lines at the moment a worker forked.
// This test holds that lock deterministically in another thread (tzset(3)
// reading a TZ file that is a FIFO nobody writes to yet), forks, and checks
// that the child stamps times and exits.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>
#include <ctime>
#include <string>
#include <thread>

#include "core/log.h"
#include "http/date_cache.h"

namespace muxd::http {
namespace {

constexpr int kHangBoundMs = 10'000;  // generous: the child needs microseconds

class TzLockHolder {
 public:
  TzLockHolder() {
    char dir_template[] = "/tmp/muxd-tz-XXXXXX";
    dir_ = ::mkdtemp(dir_template);
    fifo_ = dir_ + "/zone";
    if (::mkfifo(fifo_.c_str(), 0600) != 0) throw std::runtime_error("mkfifo");
    const char* old = std::getenv("TZ");
    if (old) old_tz_ = old;
    had_tz_ = old != nullptr;
    ::setenv("TZ", (":" + fifo_).c_str(), 1);
    // tzset() takes the lock, then blocks opening (and, once we open the
    // writing end, reading) the FIFO until we close it.
    thread_ = std::thread([] { ::tzset(); });
    // O_NONBLOCK: fails with ENXIO until the reader has the FIFO open.
    while ((writer_ = ::open(fifo_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) ::usleep(1000);
  }

  ~TzLockHolder() {
    ::close(writer_);  // the reader sees EOF, gives the zone up (UTC) and unlocks
    thread_.join();
    if (had_tz_) {
      ::setenv("TZ", old_tz_.c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
    ::unlink(fifo_.c_str());
    ::rmdir(dir_.c_str());
  }

 private:
  std::string dir_, fifo_, old_tz_;
  bool had_tz_ = false;
  std::thread thread_;
  int writer_ = -1;
};

TEST(ForkSafeTime, AChildStampsTimesWhileAnotherThreadHoldsTheTzLock) {
  TzLockHolder held;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    DateCache dates;
    dates.update(::time(nullptr));
    log_line(LogLevel::info, "fork child: stamped " + std::string(dates.log_time()));
    ::_exit(dates.http_date().size() == kHttpDateLength ? 0 : 1);
  }
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  ASSERT_GE(pidfd, 0);
  pollfd exited{pidfd, POLLIN, 0};
  int ready = ::poll(&exited, 1, kHangBoundMs);
  ::close(pidfd);
  if (ready != 1) ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_EQ(ready, 1) << "the child hung (a lock inherited locked)";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace muxd::http
