#pragma once
// StreamSession: the contract between a protocol core and whatever drives it.
//
// A session is sans-IO: bytes in, and out come bytes and file ranges (in an
// OutputQueue the driver owns and flushes) plus what it wants next (read
// more or hold the input, which timeout to run, whether and how to close).
// No sockets, no loop, no threads inside. So one session class serves every
// IO model: SessionConnection drives it on the epoll runtime, and a blocking
// thread-per-connection or fork driver can drive the very same class with
// read(2), the queue's flush and a poll timeout. Unit tests drive it with
// strings (OutputQueue::contents() shows what would be sent).
//
// The driver's loop, for any IO model:
//   1. on_start(out) once; then for each event:
//        bytes        -> used = on_data(bytes, out); keep bytes[used..] and
//                        offer them again with the next bytes (and again
//                        after `out` drained, if the session answered
//                        something: it may have stopped at an output budget)
//        EOF          -> on_peer_closed(out)
//        timeout      -> on_timeout(out)
//        server stops -> on_stop(out)
//   2. send what it can of `out`;
//   3. do what wants(out) says.
//
// Waiting for work done elsewhere (a database query on a WorkPool): the
// driver offers each session a Resume before on_start (attach). A session that
// started such work holds its input meanwhile (wants().read = false, and
// on_data uses nothing), and when the result is back, on the driver's
// thread, it calls resume(step): the driver runs step(out) as one more
// event, then steps 2 and 3. Once the connection has closed, resume drops
// the step unrun, so a late result for a client that left is harmless.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>

#include "core/output_queue.h"

namespace muxd {

struct SessionWants {
  enum class Close : uint8_t {
    no,
    after_output,            // send what is queued, then close
    after_output_lingering,  // ...and keep reading (discarding) until the peer closes
    now,                     // close without sending what is queued
  };
  Close close = Close::no;
  bool read = true;          // deliver more input now (false: hold it, e.g. while a response drains)
  uint8_t timeout = 0;       // which of the driver's timeouts should run: 1..n, 0 for none
  bool restart_timeout = false;      // restart it even when that timeout is already running
  bool restart_on_progress = false;  // every write that makes progress restarts it
  bool idle = false;         // nothing in flight: the driver may free buffer memory
};

// Runs a step of the session later as an event of its own (see above).
// Cheap to copy, safe to keep after the session is gone; call it on the
// driver's thread only, and not from inside one of the session's own calls
// (a WorkPool completion arrives as a call of its own).
using ResumeStep = std::function<void(OutputQueue& out)>;
using Resume = std::function<void(ResumeStep step)>;

class StreamSession {
 public:
  virtual ~StreamSession() = default;

  // Before on_start: `make` makes this session's Resume. Sessions that never
  // wait ignore it (and cost their driver nothing).
  virtual void attach(const std::function<Resume()>& /*make*/) {}

  virtual void on_start(OutputQueue&) {}  // a greeting, for protocols where the server speaks first
  // Returns how many bytes of `data` were used.
  virtual size_t on_data(std::string_view data, OutputQueue& out) = 0;
  virtual void on_peer_closed(OutputQueue& out) = 0;
  virtual void on_timeout(OutputQueue& out) = 0;
  virtual void on_stop(OutputQueue& out) = 0;  // graceful stop: finish what is in flight
  // Called after every event, once the driver sent what it could; `out`
  // holds what is still queued.
  virtual SessionWants wants(const OutputQueue& out) = 0;
};

}  // namespace muxd
