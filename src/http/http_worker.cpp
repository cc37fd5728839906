#include "http/http_worker.h"

#include <ctime>

#include "http/http_connection.h"

namespace muxd::http {
namespace {

constexpr auto log_flush_interval = std::chrono::seconds(1);

}  // namespace

HttpWorker::HttpWorker(EventLoop& loop, const HttpConfig& config, const DocumentRoot& root, int access_log_fd,
                       UniqueFd listen_fd, std::function<void()> on_drained)
    : loop_(loop),
      config_(config),
      site_(root),
      access_log_(access_log_fd),
      acceptor_(loop, std::move(listen_fd), [this](UniqueFd fd, const SocketAddress& peer) {
        accept(std::move(fd), peer);
      }),
      request_timeouts_(loop, config.header_timeout),
      idle_timeouts_(loop, config.idle_timeout),
      write_timeouts_(loop, config.write_timeout),
      on_drained_(std::move(on_drained)) {
  refresh_clock();
}

HttpWorker::~HttpWorker() {
  while (connections_) {
    HttpConnection* connection = connections_;
    connections_ = connection->next_;
    delete connection;
  }
  access_log_.flush();
}

void HttpWorker::start() {
  acceptor_.start();
  if (access_log_.enabled()) flush_log_periodically();
}

void HttpWorker::refresh_clock() {
  site_.set_time(::time(nullptr), loop_.now());
}

void HttpWorker::accept(UniqueFd fd, const SocketAddress& peer) {
  if (config_.max_connections && connection_count_ >= config_.max_connections) return;  // fd closes: refused
  auto* connection = new HttpConnection(*this, std::move(fd), peer);
  connection->next_ = connections_;
  if (connections_) connections_->prev_ = connection;
  connections_ = connection;
  ++connection_count_;
  connection->start();
}

void HttpWorker::destroy(HttpConnection* connection) {
  (connection->prev_ ? connection->prev_->next_ : connections_) = connection->next_;
  if (connection->next_) connection->next_->prev_ = connection->prev_;
  --connection_count_;
  if (request_owner_ == connection) request_owner_ = nullptr;
  loop_.post([connection] { delete connection; });
  if (draining_) check_drained();
}

void HttpWorker::begin_drain() {
  if (draining_) return;
  draining_ = true;
  acceptor_.stop();
  // begin_drain() may close (and unlink) the connection: step first.
  for (HttpConnection* connection = connections_; connection;) {
    HttpConnection* next = connection->next_;
    connection->begin_drain();
    connection = next;
  }
  check_drained();
}

void HttpWorker::check_drained() {
  if (connection_count_ > 0 || !on_drained_) return;
  access_log_.flush();
  auto notify = std::move(on_drained_);
  on_drained_ = nullptr;
  notify();
}

void HttpWorker::flush_log_periodically() {
  access_log_.flush();
  loop_.run_after(log_flush_interval, [this] { flush_log_periodically(); });
}

}  // namespace muxd::http
