#include "ftp/ftp_worker.h"

#include <sys/socket.h>

#include "core/log.h"
#include "ftp/control_connection.h"
#include "ftp/data_address.h"
#include "ftp/reply.h"

namespace muxd::ftp {
namespace {

// nginx's lingering_timeout is 5 s: long enough for a client to read the
// last reply, short enough that a closing client soon frees its place.
constexpr std::chrono::milliseconds kLingerTimeout{5'000};

constexpr std::chrono::seconds kLogFlushInterval{1};

// Best effort: a fresh socket's send buffer always takes one short line.
void refuse(int fd, int code, std::string_view text) {
  std::string reply = format_reply(code, text);
  [[maybe_unused]] ssize_t n = ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

FtpWorker::FtpWorker(EventLoop& loop, const FtpConfig& config, const SessionConfig& session_config,
                     ClientLimits& limits, PassivePorts& ports, int log_fd)
    : loop_(loop),
      log_(log_fd),
      session_config_(session_config),
      limits_(limits),
      ports_(ports),
      idle_timeouts_(loop, config.idle_timeout),
      data_timeouts_(loop, config.data_timeout),
      linger_timeouts_(loop, kLingerTimeout) {}

FtpWorker::~FtpWorker() {
  // Transfers still running end incomplete (and their uploads are
  // discarded); their log lines go out with the rest.
  for (auto& [raw, connection] : connections_) connection->on_server_stop();
  connections_.clear();
  log_.flush();
}

void FtpWorker::start() {
  if (log_.enabled()) flush_log_periodically();
}

void FtpWorker::drain(std::function<void()> done) {
  log_.flush();
  done();
}

void FtpWorker::flush_log_periodically() {
  log_.flush();
  loop_.run_after(kLogFlushInterval, [this] { flush_log_periodically(); });
}

void FtpWorker::on_accept(size_t, UniqueFd fd, const SocketAddress& peer) {
  ClientLimits::Ticket ticket;
  auto admission = limits_.admit(plain_ip(peer), &ticket);
  if (admission == ClientLimits::Admission::server_full) {
    return refuse(fd.get(), 421, "Too many users are connected; try again later.");
  }
  if (admission == ClientLimits::Admission::ip_full) {
    return refuse(fd.get(), 421, "Too many connections from your address; try again later.");
  }
  auto connection = std::make_unique<ControlConnection>(*this, std::move(fd), std::move(ticket));
  ControlConnection* raw = connection.get();
  connections_.emplace(raw, std::move(connection));
  raw->start();
}

void FtpWorker::destroy(ControlConnection* connection) {
  auto found = connections_.find(connection);
  if (found == connections_.end()) return;
  retire(std::move(found->second));
  connections_.erase(found);
}

}  // namespace muxd::ftp
