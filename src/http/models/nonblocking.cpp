// --model nonblocking: one thread loops over every socket, never waiting (the
// course's busy-polling server).
//
// Every socket is non-blocking; each pass tries accept4(2) on the listener,
// a read on every connection that wants input and a write on every one with
// output queued, and checks every deadline. A socket with nothing to do
// answers EAGAIN at once. Nothing ever sleeps, so no request waits longer
// than one pass over the table; but the thread burns a whole core even with
// no client at all, and each pass costs a system call per connection whether
// or not anything happened: with many idle clients the busy ones wait behind
// thousands of EAGAINs. The readiness APIs (select, poll, epoll) exist to
// avoid exactly this.
//
// One concession to the machine the tests run on: sched_yield(2) once per
// pass lets other runnable threads (the test clients) have the core. It never
// sleeps when nothing else wants to run, so top(1) still shows 100% CPU.
//
// A stop request is an atomic flag, read once per pass (begin_pass); the
// wake-up eventfd the waiting models watch is never looked at here.
#include <sched.h>

#include "http/models/connection_table.h"

namespace muxd::http {
namespace {

class NonblockingWorker final : public ReadinessWorker {
 public:
  using ReadinessWorker::ReadinessWorker;

 private:
  void run() override;
};

void NonblockingWorker::run() {
  while (!table_.finished()) {
    ConnectionTable::Clock::time_point now = table_.begin_pass();
    table_.for_each([&](SessionDriver& driver) {
      table_.on_ready(driver.fd(), driver.wants_read(), driver.wants_write(), now);  // try; EAGAIN is fine
    });
    table_.accept_pending(now);  // nothing while stopping or resting after EMFILE
    table_.run_deadlines(now);
    ::sched_yield();
  }
}

}  // namespace

std::unique_ptr<ServiceWorker> make_nonblocking_worker(const ModelContext& context) {
  return std::make_unique<NonblockingWorker>(context);
}

}  // namespace muxd::http
