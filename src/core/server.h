#pragma once
// Server: the one scaffold every muxd server runs in.
//
// It opens the listeners (TCP: one socket per worker in an SO_REUSEPORT
// group, after checking that no other process holds the address; UDP: one
// socket), starts the worker loops and one ServiceWorker on each, prints
// `muxd SERVICE listening on ADDR:PORT` (` (TAG)` added when there are
// several listeners) once everything is ready, and stops on SIGINT, SIGTERM
// or SIGQUIT: the listeners close, each worker finishes what is in flight,
// and the process exits when all have drained or the drain timeout ran out
// (a second signal stops at once). SIGHUP and SIGUSR1 reopen a service's log
// files (nginx's convention; logrotate's `kill -HUP`); every server catches
// them, so one without log files logs a line and goes on, never dies of them.
// A service supplies its worker; everything else here is the same for all.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/event_loop.h"

namespace muxd {

struct ListenerSpec {
  SocketAddress address;
  std::string tag;               // printed after the ready line when there are several listeners
  bool datagram = false;         // UDP: one socket, given to worker 0 (adopt_datagram_socket)
  int backlog = 4096;
  bool nodelay = false;          // TCP_NODELAY, inherited by accepted sockets
  int defer_accept_seconds = 0;  // TCP_DEFER_ACCEPT, for protocols where the client speaks first
};

// What a service runs on each worker loop. Everything is called on that loop.
class ServiceWorker {
 public:
  virtual ~ServiceWorker() = default;
  virtual void start() {}
  // A new connection on listener number `listener` (in ListenerSpec order).
  virtual void on_accept(size_t /*listener*/, UniqueFd /*fd*/, const SocketAddress& /*peer*/) {}
  // A datagram listener's socket, before start().
  virtual void adopt_datagram_socket(size_t /*listener*/, UniqueFd /*fd*/) {}
  // A TCP listener's socket (this worker's one of the SO_REUSEPORT group),
  // before start(). Return it untouched to have the scaffold accept for this
  // worker (on_accept); keep it to accept by other means (select(2),
  // io_uring, ...) and return an empty UniqueFd.
  virtual UniqueFd adopt_listener(size_t /*listener*/, UniqueFd fd) { return fd; }
  // Graceful stop (the listeners are already closed): finish what is in
  // flight, then call `done`, on this loop.
  virtual void drain(std::function<void()> done) { done(); }
  // For workers that block their loop's thread (an IO model with a loop of
  // its own run inside start(), or blocking IO in on_accept): called on the
  // main thread, so it must only set flags and wake the worker. `now` false:
  // a graceful stop began (drain() follows on the loop once the thread is
  // back in it); `now` true: stop at once (a second signal, or the drain
  // timeout ran out), and return to the loop promptly.
  virtual void interrupt(bool /*now*/) {}
};

struct ServerSpec {
  std::string service;  // "http": names the ready line and log lines
  std::vector<ListenerSpec> listeners;
  size_t workers = 1;
  std::chrono::milliseconds drain_timeout{10'000};
  // Builds worker `index` for `loop`, on the main thread before any worker
  // runs; may throw std::exception to refuse to start (the message is logged).
  std::function<std::unique_ptr<ServiceWorker>(EventLoop& loop, size_t index)> make_worker;
  // SIGHUP/SIGUSR1, on the main thread (see LogFile). Unset: those signals are
  // caught all the same, and only logged.
  std::function<void()> reopen_logs;
  // After the ready line(s): extra start-up notes.
  std::function<void(const std::vector<SocketAddress>& bound)> on_ready;
};

// Runs until stopped; returns the process exit status (0 after a stop by
// signal, 1 when start-up failed: the reason is logged as "muxd SERVICE: ...").
int run_server(const ServerSpec& spec);

// Blocks every signal run_server handles (SIGINT, SIGTERM, SIGQUIT, SIGHUP,
// SIGUSR1: they arrive on its signalfd) in the calling thread and the threads
// it starts later. run_server calls it; a service that starts threads before
// (dict's database pool) calls it first, or such a thread would take a
// signal's default action and end the process.
void block_server_signals();

// Throws std::system_error ("ADDR: Address already in use") when another
// socket holds the TCP (or, `datagram`, UDP) address: binding it once without
// SO_REUSEPORT. run_server checks every TCP listener before building its
// SO_REUSEPORT group; a service with slow start-up work (dict's first import)
// may check first, so a busy port fails at once.
void check_address_free(const SocketAddress& address, bool datagram = false);

// Raises the soft RLIMIT_NOFILE to the hard limit, as nginx's
// worker_rlimit_nofile lets operators do: a server should not run out of
// descriptors at 1,024 when the system allows more. Returns the new soft limit.
uint64_t raise_descriptor_limit();

}  // namespace muxd
