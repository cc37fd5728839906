#pragma once
// qa::Session: one client of the Q&A bot, sans-IO (the StreamSession contract
// in core/stream_session.h). Each question gets its answer from the table
// (qa/answers.h).
//
// Framing, the course's "sticky packet" lesson (TCP粘包) done properly: a
// question ends at a newline, and its answer ends with the same line end
// ("\n" or "\r\n"), many per connection; or, for the course's client, which
// sends one question without a newline and waits, once the client has been
// silent for the pause: then the answer has no newline either, as the
// course's server sends it. A question also ends when the client half-closes
// and when the server stops. A client that has ended a question with a
// newline speaks line mode: from then on the pause no longer applies to it,
// so a line that arrives slowly (a busy client, a lossy link) is never cut in
// two; its idle timeout runs instead. Limits: a question over max_question_bytes
// (line end included) closes the connection after the answers before it;
// answers stop being made while kMaxQueuedOutput bytes wait for a client that
// does not read; the idle timeout closes a connection that moved no byte
// either way.
#include <memory>
#include <string>

#include "core/line_framer.h"
#include "core/stream_session.h"
#include "qa/answers.h"

namespace muxd::qa {

// SessionWants::timeout numbers; the worker maps them to its TimerQueues.
enum TimeoutKind : uint8_t { kPauseTimeout = 1, kIdleTimeout = 2 };

// Answers are made only while less than this waits to be sent.
inline constexpr uint64_t kMaxQueuedOutput = 64 * 1024;

class Session final : public StreamSession {
 public:
  // `lease` is kept until the session ends (the per-IP count, core/address_limit.h).
  Session(const Answers& answers, size_t max_question_bytes, std::shared_ptr<void> lease = nullptr)
      : answers_(answers), lines_(max_question_bytes), lease_(std::move(lease)) {}

  size_t on_data(std::string_view data, OutputQueue& out) override;
  void on_peer_closed(OutputQueue& out) override;
  void on_timeout(OutputQueue& out) override;
  void on_stop(OutputQueue& out) override;
  SessionWants wants(const OutputQueue& out) override;

 private:
  void answer_line(std::string_view line, OutputQueue& out);
  void end_partial(OutputQueue& out);
  bool pausing() const { return lines_.has_partial() && !line_mode_; }  // the pause runs, not the idle timeout

  const Answers& answers_;
  LineFramer lines_;  // holds a question whose end has not come yet
  std::shared_ptr<void> lease_;
  bool line_mode_ = false;        // a newline ended a question: the pause no longer applies
  bool restart_timeout_ = false;  // bytes came or an answer was made since the last wants()
  bool closing_ = false;          // close once the answers are out
  bool linger_ = false;           // ...reading what the client may still send
  bool close_now_ = false;
};

}  // namespace muxd::qa
