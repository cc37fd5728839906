#include "ftp/passive_listener.h"

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <system_error>

#include "core/log.h"
#include "core/socket.h"
#include "ftp/data_address.h"

namespace muxd::ftp {
namespace {

using namespace std::chrono_literals;

constexpr auto kFirstRetry = 50ms;

// Out of descriptors, every client's listener fails at once: at most one
// line per second per worker thread, with the count of the lines left out.
template <typename... Args>
void log_starved(EventLoop& loop, fmt::format_string<Args...> format, Args&&... args) {
  thread_local EventLoop::Clock::time_point next_line{};
  thread_local uint64_t skipped = 0;
  if (loop.now() < next_line) {
    ++skipped;
    return;
  }
  next_line = loop.now() + 1s;
  std::string line = fmt::format(format, std::forward<Args>(args)...);
  if (skipped > 0) line += fmt::format(" ({} similar lines left out)", std::exchange(skipped, 0));
  log_warn("{}", line);
}

}  // namespace

PassiveListener::PassiveListener(EventLoop& loop, UniqueFd listen_fd, SocketAddress control_peer)
    : loop_(loop), listen_fd_(std::move(listen_fd)), control_peer_(control_peer) {
  port_ = local_address(listen_fd_.get()).port();
  loop_.add(listen_fd_.get(), EPOLLIN, this);
  polling_ = true;
}

PassiveListener::~PassiveListener() { stop_listening(); }

void PassiveListener::stop_listening() {
  if (retry_timer_) loop_.cancel(*std::exchange(retry_timer_, std::nullopt));
  if (!listen_fd_) return;
  if (polling_) loop_.remove(listen_fd_.get());
  polling_ = false;
  listen_fd_.reset();
}

void PassiveListener::when_connected(std::function<void(UniqueFd)> callback) {
  if (connection_ || failed_) return callback(std::move(connection_));
  on_connected_ = std::move(callback);
}

void PassiveListener::handle_events(uint32_t) {
  while (listen_fd_ && polling_) {
    SocketAddress peer;
    UniqueFd fd(::accept4(listen_fd_.get(), peer.get(), peer.length_ptr(), SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        return out_of_descriptors(errno);
      }
      return;  // EAGAIN
    }
    if (!same_ip(peer, control_peer_)) {
      log_warn("ftp: refused a data connection from {} (the client is {})", peer.ip_string(),
               control_peer_.ip_string());
      continue;
    }
    stop_listening();
    return deliver(std::move(fd));
  }
}

// The connection stays in the backlog; the socket stays open (closing it
// would reset the client at once) but is no longer polled until the retry.
void PassiveListener::out_of_descriptors(int error) {
  loop_.remove(listen_fd_.get());
  polling_ = false;
  if (retries_ == kAcceptRetries) return give_up();
  if (retries_ == 0) {
    log_starved(loop_, "ftp: cannot accept the data connection of {}: {}; retrying for a while",
                control_peer_.ip_string(), std::strerror(error));
  }
  auto delay = kFirstRetry * (1 << retries_);
  ++retries_;
  retry_timer_ = loop_.run_after(delay, [this] { retry(); });
}

void PassiveListener::retry() {
  retry_timer_.reset();
  if (!listen_fd_) return;
  try {
    loop_.add(listen_fd_.get(), EPOLLIN, this);  // level-triggered: reports the waiting connection
  } catch (const std::system_error&) {           // ENOMEM, ENOSPC (max_user_watches)
    return give_up();
  }
  polling_ = true;
}

void PassiveListener::give_up() {
  log_starved(loop_, "ftp: still out of descriptors; the data connection of {} is refused (425)",
              control_peer_.ip_string());
  stop_listening();
  failed_ = true;
  deliver(UniqueFd());
}

void PassiveListener::deliver(UniqueFd fd) {
  if (!on_connected_) {
    connection_ = std::move(fd);
    return;
  }
  auto callback = std::move(on_connected_);
  on_connected_ = nullptr;
  callback(std::move(fd));
}

}  // namespace muxd::ftp
