// Fuzzes the control connection: bytes -> LineFramer -> Session, over a small
// scratch root made fresh for every input. The first byte picks how the fake
// driver behaves (passive listeners failing, transfers finishing at once or
// only at the end, and how they end), so queueing and aborts are reached too,
// and the server's flags (--read-only, --anonymous-write, --dotfiles allow).
// The session's log events are formatted as the log would write them.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "ftp/ftp_log.h"
#include "ftp/line_framer.h"
#include "ftp/root_directory.h"
#include "ftp/session.h"

namespace {

using namespace muxd;
using namespace muxd::ftp;

class ScratchRoot {
 public:
  ScratchRoot() {
    // tmpfs when there is one: creating and removing a tree per input is
    // then cheap (a disk mounted with `discard` makes it 50x slower).
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm")
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    std::string pattern = (base / "muxd-ftp-fuzz-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
    std::filesystem::create_directory(path_ + "/dir");
    std::ofstream(path_ + "/file") << "hello";
    std::ofstream(path_ + "/dir/inner") << "x";
    std::ofstream(path_ + "/.hidden") << "dot";
    std::filesystem::create_symlink("/etc", path_ + "/out");
  }
  ~ScratchRoot() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class FakeDriver {
 public:
  FakeDriver(Session& session, uint8_t mode) : session_(session), mode_(mode) {}

  void run(std::string_view input) {
    LineFramer framer;
    std::string line;
    while (!input.empty() && !session_.closing()) {
      size_t consumed = 0;
      auto status = framer.next(input, &consumed, &line);
      input.remove_prefix(consumed);
      if (status == LineFramer::Status::line) session_.on_line(line);
      if (status == LineFramer::Status::too_long) session_.on_line_too_long();
      drain();
    }
    if (session_.transfer_active() && (mode_ & 0x10)) session_.on_disconnect();  // a vanished client
    if (session_.transfer_active()) finish();
    session_.on_idle_timeout();
    drain();
  }

 private:
  void drain() {
    session_.take_replies();
    for (const LogEvent& event : session_.take_log_events()) check_log_line(event);
    for (Action& action : session_.take_actions()) {
      if (std::holds_alternative<OpenPassive>(action)) {
        session_.on_passive_opened((mode_ & 1) ? std::nullopt : std::optional<uint16_t>(50000));
      } else if (auto* start = std::get_if<StartTransfer>(&action)) {
        play(*start);
      }
    }
    if (session_.transfer_active() && (mode_ & 2)) finish();
  }

  // A log line is one line whatever the names in it: no control byte but
  // its final newline, and exactly the expected number of fields.
  static void check_log_line(const LogEvent& event) {
    std::string line;
    append_log_line(line, event, "127.0.0.1", "T");
    size_t spaces = 0;
    for (size_t i = 0; i + 1 < line.size(); ++i) {
      auto c = static_cast<unsigned char>(line[i]);
      if (c < 0x20 || c >= 0x7f) __builtin_trap();
      spaces += c == ' ';
    }
    size_t expected = std::holds_alternative<LoginEvent>(event) ? 3 : 8;
    if (line.back() != '\n' || spaces != expected) __builtin_trap();
  }

  void play(StartTransfer& start) {
    if (auto* listing = std::get_if<SendListing>(&start.payload)) {
      std::string out;
      while (listing->listing->fill(out, out.size() + 512) && out.size() < 65536) {
      }
    } else if (auto* receive = std::get_if<ReceiveFile>(&start.payload)) {
      if (::write(receive->fd, "data", 4) != 4) return;
    }
    session_.on_transfer_progress(4);
  }

  void finish() {
    auto result = static_cast<TransferResult>((mode_ >> 2) % 5);
    session_.on_transfer_finished(result, EIO);
    drain();
  }

  Session& session_;
  uint8_t mode_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  ScratchRoot scratch;
  RootDirectory root(scratch.path());
  SessionConfig config;
  config.root = &root;
  config.read_only = (data[0] & 0x80) != 0;
  config.anonymous_write = (data[0] & 0x40) != 0;
  config.allow_dotfiles = (data[0] & 0x20) != 0;
  config.clock = [] { return std::time_t{1700000000}; };
  config.steady_clock = [] { return std::chrono::steady_clock::time_point{}; };
  Session session(config, *SocketAddress::parse("127.0.0.1:40000"), *SocketAddress::parse("127.0.0.1:2121"));
  session.start();
  FakeDriver driver(session, data[0]);
  driver.run(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  return 0;
}
