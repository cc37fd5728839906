#pragma once
// echo::Session: one client of the timestamp echo server, sans-IO (the
// StreamSession contract in core/stream_session.h). Each message comes back
// as `[ctime()]: message`, byte for byte what the course's server (001,
// tsTserv.py) sends, so the course's client works unchanged.
//
// Framing: a message ends at a newline (kept in the reply), or, for clients
// that send without one and wait (the course's), once the client has been
// silent for the pause; also when the client half-closes or the server stops.
// Limits: a message over max_message_bytes closes the connection (after the
// replies before it); replies stop being made while kMaxQueuedOutput bytes
// wait for a client that does not read; the idle timeout closes a connection
// that moved no byte either way.
#include <ctime>
#include <functional>
#include <string>

#include "core/line_framer.h"
#include "core/stream_session.h"

namespace muxd::echo {

// SessionWants::timeout numbers; the worker maps them to its TimerQueues.
enum TimeoutKind : uint8_t { kPauseTimeout = 1, kIdleTimeout = 2 };

// Replies are made only while less than this waits to be sent.
inline constexpr uint64_t kMaxQueuedOutput = 64 * 1024;

// "[Sun Nov 30 10:03:07 2025]: ": Python's f"[{ctime()}]: " (local time).
std::string ctime_prefix(time_t when);

// The prefix for now, formatted once a second; one per worker.
class Timestamps {
 public:
  explicit Timestamps(std::function<time_t()> clock = [] { return ::time(nullptr); }) : clock_(std::move(clock)) {}
  const std::string& prefix();

 private:
  std::function<time_t()> clock_;
  time_t formatted_ = -1;
  std::string prefix_;
};

class Session final : public StreamSession {
 public:
  Session(size_t max_message_bytes, Timestamps& timestamps) : lines_(max_message_bytes), timestamps_(timestamps) {}

  size_t on_data(std::string_view data, OutputQueue& out) override;
  void on_peer_closed(OutputQueue& out) override;
  void on_timeout(OutputQueue& out) override;
  void on_stop(OutputQueue& out) override;
  SessionWants wants(const OutputQueue& out) override;

 private:
  void echo(std::string_view message, OutputQueue& out);
  void end_partial(OutputQueue& out);

  LineFramer lines_;  // holds a message whose end has not come yet
  Timestamps& timestamps_;
  bool restart_timeout_ = false;  // bytes came or a reply was made since the last wants()
  bool closing_ = false;          // close once the replies are out
  bool linger_ = false;           // ...reading what the client may still send
  bool close_now_ = false;
};

}  // namespace muxd::echo
