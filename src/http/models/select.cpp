// --model select: one thread waits in select(2) for every socket of its worker.
//
// The oldest readiness API: three bitmaps (fd_set) of FD_SETSIZE = 1,024
// bits, rebuilt before every call because select overwrites them with the
// result. Two costs the course points at:
//   - O(highest descriptor) per wake-up: the kernel scans every bit up to
//     nfds, and the loop tests every connection's bit again afterwards;
//   - a hard ceiling: a descriptor >= FD_SETSIZE cannot be put in an fd_set
//     at all (FD_SET on it writes past the bitmap: undefined behaviour, see
//     select(2) BUGS). Such a connection is refused: answered 503 and closed
//     at once, logged at most once a second with a count (ConnectionTable).
// With stdin/out/err, the listeners, the wake-up eventfds, the access log
// and the scaffold's own descriptors below it, about 1,000 clients fit (1,003
// measured with two workers). All workers share the process's descriptor
// numbering, so --workers does not raise the ceiling; each worker refuses
// (and logs, once a second) on its own.
#include <sys/select.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "http/models/connection_table.h"

namespace muxd::http {
namespace {

class SelectWorker final : public ReadinessWorker {
 public:
  explicit SelectWorker(const ModelContext& context) : ReadinessWorker(context, FD_SETSIZE) {}

 private:
  void run() override;
  int watch();

  fd_set readable_;
  fd_set writable_;
};

void SelectWorker::run() {
  while (!table_.finished()) {
    int listener = table_.listen_fd();
    int nfds = watch();
    int ms = table_.wait_ms();
    timeval timeout{ms / 1000, (ms % 1000) * 1000};
    if (::select(nfds, &readable_, &writable_, nullptr, ms < 0 ? nullptr : &timeout) < 0 && errno != EINTR)
      throw std::system_error(errno, std::generic_category(), "select");
    ConnectionTable::Clock::time_point now = table_.begin_pass();
    if (FD_ISSET(table_.wake_fd(), &readable_)) table_.clear_wakeup();
    table_.for_each([&](SessionDriver& driver) {
      int fd = driver.fd();  // select reports errors and hang-ups as readable/writable
      table_.on_ready(fd, FD_ISSET(fd, &readable_), FD_ISSET(fd, &writable_), now);
    });
    if (listener >= 0 && FD_ISSET(listener, &readable_)) table_.accept_pending(now);
    table_.run_deadlines(now);
  }
}

// Every socket here is below FD_SETSIZE: the table refused the others.
// Returns nfds: the highest descriptor in the sets, plus one.
int SelectWorker::watch() {
  FD_ZERO(&readable_);
  FD_ZERO(&writable_);
  int highest = table_.wake_fd();
  FD_SET(table_.wake_fd(), &readable_);
  if (table_.listen_fd() >= 0) {
    FD_SET(table_.listen_fd(), &readable_);
    highest = std::max(highest, table_.listen_fd());
  }
  table_.for_each([&](SessionDriver& driver) {
    if (driver.wants_read()) FD_SET(driver.fd(), &readable_);
    if (driver.wants_write()) FD_SET(driver.fd(), &writable_);
    if (driver.wants_read() || driver.wants_write()) highest = std::max(highest, driver.fd());
  });
  return highest + 1;
}

}  // namespace

std::unique_ptr<ServiceWorker> make_select_worker(const ModelContext& context) {
  return std::make_unique<SelectWorker>(context);
}

}  // namespace muxd::http
