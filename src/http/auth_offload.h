#pragma once
// AuthOffload: where a worker's --auth-file password checks run (see
// session_auth.cpp): a few threads of its own, so that a bcrypt hash (tens
// of milliseconds) never stalls the loop that serves every other client.
//
// Every model whose worker runs many clients on one loop has one (epoll,
// nonblocking, select, poll, uring, coroutine); the verdict comes home
// through the loop's own way of running work from other threads (`deliver`:
// EventLoop::run_in_loop, or a Mailbox). The models with a thread or a
// process per client (iterative, thread, fork) hash inline: that thread is
// the client's anyway.
#include <cstddef>
#include <memory>

#include "core/work_pool.h"
#include "http/session.h"

namespace muxd::http {

class AuthOffload {
 public:
  static constexpr size_t kThreads = 2;   // per worker
  static constexpr size_t kQueue = 256;   // checks waiting; more are answered 503

  // Sets shared.offload_auth when --auth-file is on (else does nothing).
  AuthOffload(SessionShared& shared, WorkThreads::Deliver deliver);
  // Joins the threads: destroy this before whatever `deliver` reaches.
  ~AuthOffload();
  AuthOffload(const AuthOffload&) = delete;
  AuthOffload& operator=(const AuthOffload&) = delete;

 private:
  std::unique_ptr<WorkThreads> threads_;
  WorkThreads::Deliver deliver_;
};

}  // namespace muxd::http
