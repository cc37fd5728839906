#include "chat/chat_server.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <system_error>

#include "chat/icmp_errors.h"
#include "chat/line_reader.h"
#include "core/log.h"
#include "core/server.h"
#include "core/socket.h"

namespace muxd::chat {
namespace {

// Receiving stops after this many full batches per wake-up, so that a flood
// cannot starve stdin, timers and signals (epoll is level-triggered: the rest
// waits for the next turn).
constexpr int kMaxBatchesPerWakeup = 16;
constexpr size_t kMaxQueuedSends = 1 << 16;
// Room for bursts: a fan-out to 1,000 members is 1,000 datagrams at once.
constexpr int kSocketBufferBytes = 4 << 20;

std::chrono::milliseconds tick_interval(std::chrono::milliseconds keepalive_timeout) {
  return std::clamp(keepalive_timeout / 10, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
}

void enlarge_buffers(int fd) {
  // Best effort: the kernel caps these at net.core.{r,w}mem_max.
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kSocketBufferBytes, sizeof(kSocketBufferBytes));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSocketBufferBytes, sizeof(kSocketBufferBytes));
}

}  // namespace

ChatServer::ChatServer(EventLoop& loop, UniqueFd socket, const ServerConfig& config)
    : loop_(loop),
      socket_(std::move(socket)),
      room_(config.limits, loop.now()),
      batch_(kMaxRequestBytes),
      sender_(socket_.get(), kMaxQueuedSends),
      tick_queue_(loop, tick_interval(config.limits.keepalive_timeout)),
      tick_timer_([this] { tick(); }) {
  enable_icmp_errors(socket_.get(), config.listen.family());
  enlarge_buffers(socket_.get());
  loop_.add(socket_.get(), EPOLLIN, this);  // EPOLLERR is always reported
  tick_queue_.arm(tick_timer_);
}

ChatServer::~ChatServer() { loop_.remove(socket_.get()); }

SocketAddress ChatServer::local_address() const { return muxd::local_address(socket_.get()); }

// Datagrams first, then ICMP errors: what is queued was sent before the
// error's cause (a client that said its last words, sent EXIT and closed its
// socket while our reply was on its way). Read the other way round, the
// client is dropped as unreachable and its last message and EXIT are lost.
void ChatServer::handle_events(uint32_t events) {
  if (events & EPOLLIN) receive();
  if (events & EPOLLERR) read_errors();
  if (events & EPOLLOUT) sender_.flush();
  deliver();
}

void ChatServer::receive() {
  for (int round = 0; round < kMaxBatchesPerWakeup; ++round) {
    const int count = batch_.receive(socket_.get());
    if (count < 0) {
      // ECONNREFUSED: a queued ICMP error surfaced here; its details wait in
      // the error queue (EPOLLERR). Anything else: try again next wake-up.
      if (errno == ECONNREFUSED || errno == EINTR) continue;
      log_warn("chat: recvmmsg: {}", std::strerror(errno));
      return;
    }
    for (int i = 0; i < count; ++i) room_.receive(batch_.payload(i), batch_.sender(i), loop_.now(), outbox_);
    deliver();
    if (count < static_cast<int>(ReceiveBatch::kCapacity)) return;
  }
}

void ChatServer::read_errors() {
  for (const SocketAddress& gone : read_unreachable_destinations(socket_.get())) room_.unreachable(gone, outbox_);
}

void ChatServer::tick() {
  room_.expire(loop_.now(), outbox_);
  deliver();
  if (const size_t dropped = sender_.take_dropped())
    log_warn("chat: {} outgoing datagrams were dropped (send queue full or destination refused)", dropped);
  tick_queue_.arm(tick_timer_);
}

void ChatServer::announce(std::string_view line) {
  room_.announce(line, outbox_);
  deliver();
}

void ChatServer::close() {
  room_.close(outbox_);
  deliver();
}

void ChatServer::deliver() {
  for (const LogEntry& entry : outbox_.log) log_at(entry.level, "chat: {}", entry.text);
  sender_.send(outbox_.datagrams);
  outbox_.clear();
  watch_writable(sender_.blocked());
}

void ChatServer::watch_writable(bool on) {
  if (on == watching_writable_) return;
  loop_.modify(socket_.get(), on ? EPOLLIN | EPOLLOUT : EPOLLIN, this);
  watching_writable_ = on;
}

namespace {

// A closed stdin (or stdout/stderr) would let the next socket take its
// number; /dev/null keeps the slot and reads as an immediate end of input.
void keep_standard_fds_open() {
  for (int fd = 0; fd <= 2; ++fd)
    if (::fcntl(fd, F_GETFD) < 0 && errno == EBADF) ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
}

// The one worker: the room on its UDP socket, and the operator's stdin.
class ChatWorker final : public ServiceWorker {
 public:
  ChatWorker(EventLoop& loop, const ServerConfig& config) : loop_(loop), config_(config) {}

  void adopt_datagram_socket(size_t, UniqueFd fd) override {
    server_ = std::make_unique<ChatServer>(loop_, std::move(fd), config_);
    operator_input_ = std::make_unique<LineReader>(loop_, STDIN_FILENO, kMaxRequestBytes,
                                                   [this](std::string_view line) { server_->announce(line); });
    reads_operator_ = operator_input_->active();  // read now: on_ready runs on another thread
  }
  void drain(std::function<void()> done) override {
    server_->close();  // tells every member the room closes
    done();
  }
  bool reads_operator() const { return reads_operator_; }

 private:
  EventLoop& loop_;
  const ServerConfig& config_;
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<LineReader> operator_input_;
  bool reads_operator_ = false;
};

}  // namespace

int run_server(const ServerConfig& config) {
  keep_standard_fds_open();
  ::signal(SIGTTIN, SIG_IGN);  // reading a terminal in the background: EIO, not a stopped server
  ServerSpec spec;
  spec.service = "chat";
  spec.drain_timeout = std::chrono::milliseconds(1000);
  ListenerSpec& listener = spec.listeners.emplace_back();
  listener.address = config.listen;
  listener.datagram = true;
  ChatWorker* worker = nullptr;
  spec.make_worker = [&](EventLoop& loop, size_t) {
    auto made = std::make_unique<ChatWorker>(loop, config);
    worker = made.get();
    return made;
  };
  spec.on_ready = [&](const std::vector<SocketAddress>&) {
    if (worker->reads_operator() && ::isatty(STDIN_FILENO))
      log_info("chat: type a line and press Enter to announce it to everyone");
  };
  return muxd::run_server(spec);
}

}  // namespace muxd::chat
