// Fuzzes http::Session through the StreamSession contract: two sessions of
// one worker (sharing its Request) fed arbitrary bytes in fuzzer-chosen
// pieces, with timeouts, EOFs, a graceful stop and slow readers between them,
// by a driver that does what SessionHost does (core/session_host.cpp).
//
// Input: a config byte, a count byte, up to 16 piece descriptors, then the
// bytes clients send. Config: bit 0 tiny parser limits, bit 1 access log on
// (to /dev/null), bit 2 the worker is stopping from the start. Each
// descriptor, cycled: bits 0-3 the piece size (1 to 1597, Fibonacci), bit 4
// which session gets it, bits 5-7 what happens after it (0-3 nothing, 4 the
// peer reads nothing this time, 5 a timeout, 6 the peer's EOF, 7 stop).
//
// Checked: used <= offered; nothing is fed after a close, nor bytes after an
// EOF; output grows by at most one response past the budget per call, and
// not at all once a close was decided (nor on EOF or stop); what is sent
// starts with a status line; wants() is consistent with the queue (pending
// output: write timeout, no reading; none: reading); held bytes the session
// refuses with nothing queued are an incomplete head; every session closes
// within a few timeouts at the end.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/document_root.h"
#include "http/http_config.h"
#include "http/session.h"

namespace {

using namespace muxd;
using namespace muxd::http;
using Close = SessionWants::Close;

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

constexpr size_t kBigFile = 100'000;           // sent as a file range: reaches the output budget quickly
constexpr uint64_t kMaxResponse = kBigFile + 1024;  // the largest response, head included
constexpr uint64_t kMaxErrorResponse = 512;
constexpr std::array<size_t, 16> kPieceSizes = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597};

// One site for the whole run, on tmpfs when there is one.
class ScratchSite {
 public:
  ScratchSite() {
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm") ? std::filesystem::path("/dev/shm")
                                                                           : std::filesystem::temp_directory_path();
    std::string pattern = (base / "muxd-http-session-fuzz-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
    std::filesystem::create_directory(path_ + "/dir");
    std::ofstream(path_ + "/a") << "hello";
    std::ofstream(path_ + "/dir/index.html") << "<p>index</p>";
    std::ofstream(path_ + "/404.html") << "<h1>gone</h1>";
    std::ofstream(path_ + "/big", std::ios::binary) << std::string(kBigFile, 'b');
    root_ = std::make_unique<DocumentRoot>(path_);
    log_fd_ = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  }
  ~ScratchSite() {
    root_.reset();
    if (log_fd_ >= 0) ::close(log_fd_);
    std::filesystem::remove_all(path_);
  }
  const DocumentRoot& root() const { return *root_; }
  int log_fd() const { return log_fd_; }

 private:
  std::string path_;
  std::unique_ptr<DocumentRoot> root_;
  int log_fd_ = -1;
};

ScratchSite& site() {
  static ScratchSite instance;
  return instance;
}

// One connection as SessionHost and TcpConnection drive it, with strings.
class Connection {
 public:
  Connection(SessionShared& shared, const ParserLimits& limits, const char* peer)
      : session_(std::make_unique<Session>(shared, *SocketAddress::parse(peer))), limits_(limits) {
    apply(session_->wants(out_));
  }

  bool closed() const { return closed_; }

  // Bytes from the peer: after an EOF there are none; while reading is
  // paused they wait (in the socket, here in `held_`) until it resumes.
  void receive(std::string_view bytes, bool slow_peer) {
    if (closed_ || closing_) return;  // closed, or lingering: discarded
    check(!eof_, "bytes after EOF");
    held_.append(bytes);
    if (reading_) offer(slow_peer);
  }

  void peer_closed() {
    if (closed_ || eof_) return;
    eof_ = true;
    reading_ = false;
    uint64_t before = out_.pending_bytes();
    session_->on_peer_closed(out_);
    check(out_.pending_bytes() == before, "output on EOF");
    after_event(false);
    check(closed_ || closing_, "EOF leaves the connection open");
  }

  void timeout(bool slow_peer) {
    if (closed_) return;
    check(timeout_ != 0, "a timeout nobody asked for");
    uint64_t before = out_.pending_bytes();
    session_->on_timeout(out_);
    uint64_t after = out_.pending_bytes();
    check(after == before || (before == 0 && after <= kMaxErrorResponse), "a timeout answers only a 408, alone");
    check(!closing_ || after == before, "output after a close was decided");
    after_event(slow_peer);
  }

  void stop(bool slow_peer) {
    if (closed_) return;
    uint64_t before = out_.pending_bytes();
    session_->on_stop(out_);
    check(out_.pending_bytes() == before, "output on stop");
    after_event(slow_peer);
  }

  // The peer reads everything queued.
  void drain() {
    if (closed_ || out_.empty()) return;
    send();
    on_drained();
  }

  // At the end: nothing more arrives; each timeout in turn until closed.
  void finish() {
    for (int round = 0; round < 4 && !closed_; ++round) {
      drain();
      if (!closed_) timeout(false);
    }
    drain();
    check(closed_, "still open after the timeouts ran out");
  }

 private:
  // SessionConnection::on_data: offer, send, offer again while answered.
  void offer(bool slow_peer) {
    bool again;
    do {
      uint64_t before = out_.pending_bytes();
      size_t used = session_->on_data(held_, out_);
      check(used <= held_.size(), "used more than offered");
      uint64_t after = out_.pending_bytes();
      check(after <= std::max(before, kMaxQueuedOutput) + kMaxResponse + 64, "output past the budget");
      held_.erase(0, used);
      refused_ = used == 0 && !held_.empty() && out_.empty();
      bool answered = !out_.empty();
      if (!slow_peer && !out_.empty()) send();
      again = answered && used > 0 && out_.empty() && !held_.empty();
    } while (again);
    apply(session_->wants(out_));
  }

  // Bytes refused with nothing queued and no close decided must be a head
  // still incomplete (a body is always used up to its end).
  void check_refusal(const SessionWants& wants) {
    if (!refused_ || wants.close != Close::no) return;
    RequestParser parser(limits_);
    auto request = std::make_unique<Request>();
    check(parser.parse(held_, *request).status == ParseResult::Incomplete, "a whole request left unanswered");
  }

  void after_event(bool slow_peer) {
    if (!slow_peer && !out_.empty()) send();
    apply(session_->wants(out_));
  }

  void on_drained() { apply(session_->wants(out_)); }

  void send() {
    std::string bytes = out_.contents();
    check(bytes.size() == out_.pending_bytes(), "contents and pending_bytes disagree");
    check(bytes.rfind("HTTP/1.1 ", 0) == 0, "output starts with a status line");
    out_.clear();
  }

  // SessionConnection::apply, with the invariants of a wants() answer.
  void apply(SessionWants wants) {
    if (closed_) return;
    check_refusal(wants);
    refused_ = false;
    if (wants.close == Close::now) {
      closed_ = true;
      return;
    }
    check(wants.timeout >= kRequestTimeout && wants.timeout <= kWriteTimeout, "a timeout to run");
    check(!eof_ || wants.close != Close::no, "open after EOF");
    if (!out_.empty()) {
      check(wants.timeout == kWriteTimeout && wants.restart_on_progress, "write timeout while output is pending");
      check(!wants.idle, "idle with output pending");
      check(wants.close != Close::no || !wants.read, "reading while output is pending");
    } else {
      check(wants.timeout != kWriteTimeout, "write timeout with nothing to write");
      check(wants.close != Close::no || wants.read, "not reading with nothing pending");
    }
    if (wants.idle) check(out_.empty() && wants.timeout == kIdleTimeout, "idle while busy");
    if (closing_) check(wants.close != Close::no, "a decided close undone");
    timeout_ = wants.timeout;
    if (wants.close != Close::no) {
      closing_ = true;
      reading_ = false;
      if (out_.empty()) closed_ = true;  // closes, or lingers: either way the session is done
      return;
    }
    bool was_paused = !reading_;
    reading_ = wants.read;
    if (reading_ && was_paused && !held_.empty()) offer(false);  // resume_reading delivers what waited
  }

  std::unique_ptr<Session> session_;
  ParserLimits limits_;
  OutputQueue out_;
  std::string held_;
  uint8_t timeout_ = 0;
  bool reading_ = true;
  bool closing_ = false;
  bool closed_ = false;
  bool eof_ = false;
  bool refused_ = false;  // the last on_data used none of the held bytes and queued nothing
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t config = size > 0 ? data[0] : 0;
  size_t count = size > 1 ? std::min<size_t>((data[1] & 15) + 1, size - 2) : 0;
  std::vector<uint8_t> pieces(data + std::min<size_t>(size, 2), data + std::min<size_t>(size, 2 + count));
  if (pieces.empty()) pieces.push_back(0x0f);  // whole pieces of 1597 bytes, nothing between
  std::string_view input(reinterpret_cast<const char*>(data) + std::min<size_t>(size, 2 + count),
                         size - std::min<size_t>(size, 2 + count));

  HttpConfig http_config;
  if (config & 1) http_config.limits = {.max_request_line = 40, .max_head_bytes = 120, .max_headers = 4, .max_body_bytes = 64};
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1000);
  {
    SessionShared shared(http_config, site().root(), (config & 2) ? site().log_fd() : -1, [&now] { return now; });
    shared.stopping = (config & 4) != 0;
    std::array<std::unique_ptr<Connection>, 2> connections = {
        std::make_unique<Connection>(shared, http_config.limits, "192.0.2.1:1000"),
        std::make_unique<Connection>(shared, http_config.limits, "[2001:db8::1]:2000")};

    for (size_t i = 0; !input.empty(); ++i) {
      uint8_t piece = pieces[i % pieces.size()];
      size_t length = std::min(kPieceSizes[piece & 15], input.size());
      Connection& target = *connections[(piece >> 4) & 1];
      uint8_t event = piece >> 5;
      bool slow = event == 4;
      target.receive(input.substr(0, length), slow);
      input.remove_prefix(length);
      if (event == 5) {
        now += std::chrono::milliseconds(1500);
        target.timeout(false);
      } else if (event == 6) {
        target.peer_closed();
      } else if (event == 7) {
        shared.stopping = true;
        for (auto& connection : connections) connection->stop(false);
      }
      if (!slow) target.drain();
      if (connections[0]->closed() && connections[1]->closed()) break;
    }
    for (auto& connection : connections) connection->finish();
    for (auto& connection : connections) connection.reset();
    check(shared.request_owner == nullptr, "a destroyed session still owns the shared Request");
  }
  return 0;
}
