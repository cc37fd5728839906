#include "ftp/data_transfer.h"

#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "core/socket.h"

namespace muxd::ftp {
namespace {

// Listing bytes generated per drain: big enough for few wake-ups, small
// enough that a huge directory never sits in memory.
constexpr size_t kListingChunk = 64 * 1024;

}  // namespace

// Waits for a non-blocking connect (PORT/EPRT) to complete.
class DataTransfer::Connector : public Watcher {
 public:
  Connector(DataTransfer& owner, UniqueFd fd) : owner_(owner), fd_(std::move(fd)) {
    owner_.loop_.add(fd_.get(), EPOLLOUT, this);
  }
  ~Connector() override {
    if (fd_) owner_.loop_.remove(fd_.get());
  }
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  void handle_events(uint32_t) override {
    if (!fd_) return;
    owner_.loop_.remove(fd_.get());
    if (socket_error(fd_.get()) != 0) {
      fd_.reset();
      return owner_.finish(TransferResult::connect_failed);
    }
    owner_.attach(std::move(fd_));
  }

 private:
  DataTransfer& owner_;
  UniqueFd fd_;
};

DataTransfer::DataTransfer(EventLoop& loop, TimerQueue& timeouts, Payload payload, Done done)
    : loop_(loop),
      timeouts_(timeouts),
      payload_(std::move(payload)),
      done_(std::move(done)),
      timer_([this] { check_progress(); }) {
  timeouts_.arm(timer_);
}

DataTransfer::~DataTransfer() = default;

void DataTransfer::accept_from(std::unique_ptr<PassiveListener> listener) {
  listener_ = std::move(listener);
  listener_->when_connected([this](UniqueFd fd) { attach(std::move(fd)); });
}

void DataTransfer::connect_to(const SocketAddress& target) {
  try {
    connector_ = std::make_unique<Connector>(*this, connect_tcp(target));
  } catch (const std::system_error&) {
    finish(TransferResult::connect_failed);
  }
}

void DataTransfer::attach(UniqueFd fd) {
  if (finished_) return;
  if (!fd) return finish(TransferResult::connect_failed);  // the listener gave up (out of descriptors)
  connection_ = std::make_unique<TcpConnection>(loop_, std::move(fd), this);
  connection_->start();
  if (auto* file = std::get_if<SendFile>(&payload_)) {
    auto owner = std::make_shared<UniqueFd>(std::move(file->file));
    if (file->length > 0) connection_->send_file(owner->get(), static_cast<off_t>(file->offset), file->length, owner);
    if (!finished_) connection_->close_after_drain();
  } else if (std::holds_alternative<SendListing>(payload_)) {
    send_listing_chunks();
  }
}

uint64_t DataTransfer::bytes() const {
  const auto* file = std::get_if<SendFile>(&payload_);
  if (!file) return moved_;
  if (!connection_) return 0;
  return file->length - std::min<uint64_t>(file->length, connection_->pending_output());
}

// Generates the next chunk each time the previous one has left. The loop
// (rather than recursion through on_drained) keeps the stack flat when the
// socket swallows chunk after chunk.
void DataTransfer::send_listing_chunks() {
  if (filling_) {
    refill_ = true;
    return;
  }
  filling_ = true;
  auto& listing = *std::get<SendListing>(payload_).listing;
  do {
    refill_ = false;
    chunk_.clear();
    bool more = listing.fill(chunk_, kListingChunk);
    moved_ += chunk_.size();
    connection_->send(chunk_);
    if (!more && !finished_) connection_->close_after_drain();
    if (!more) break;
  } while (refill_ && !finished_);
  filling_ = false;
}

void DataTransfer::on_data(TcpConnection&, Buffer& input) {
  if (std::holds_alternative<ReceiveFile>(payload_)) return receive(input);
  input.clear();  // a download's client has nothing to say
}

void DataTransfer::receive(Buffer& input) {
  int fd = std::get<ReceiveFile>(payload_).fd;
  std::string_view data = input.readable();
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) return finish(TransferResult::local_error, errno);
    data.remove_prefix(static_cast<size_t>(written));
    moved_ += static_cast<uint64_t>(written);
  }
  input.clear();
  input.release_if_empty();
}

void DataTransfer::on_drained(TcpConnection&) {
  if (!finished_ && std::holds_alternative<SendListing>(payload_)) send_listing_chunks();
}

void DataTransfer::on_closed(TcpConnection&, CloseReason reason) {
  if (finished_) return;
  bool upload = std::holds_alternative<ReceiveFile>(payload_);
  // An upload ends when the client closes; a download when we close after the last byte.
  bool complete = upload ? reason == CloseReason::peer_closed : reason == CloseReason::local;
  finish(complete ? TransferResult::complete : TransferResult::connection_lost);
}

// Fires once per data-timeout period: a transfer that moved no byte in a
// whole period (or never got its connection) has timed out.
void DataTransfer::check_progress() {
  if (finished_) return;
  if (!connection_) return finish(TransferResult::connect_failed);
  uint64_t now = bytes();
  if (now == progress_mark_) return finish(TransferResult::timed_out);
  progress_mark_ = now;
  timeouts_.arm(timer_);
}

void DataTransfer::abort() {
  finished_ = true;
  timer_.cancel();
  if (connection_) connection_->close();
}

void DataTransfer::finish(TransferResult result, int error) {
  if (finished_) return;
  abort();
  done_(result, error);
}

}  // namespace muxd::ftp
