#pragma once
// dict::Session: one client of the DICT server (RFC 2229), sans-IO (the
// StreamSession contract in core/stream_session.h).
//
// Lines in (CRLF, or a bare LF, at most 1,024 octets with it: §2.2), status
// lines and dot-stuffed text out (§2.4). Commands that need the words table
// (DEFINE, MATCH, SHOW DB, SHOW INFO) go to the Backend, and the session
// waits: it uses no more input until the answer is back through its Resume,
// so pipelined commands are answered in order, one query at a time per
// client. Everything else is answered at once. A full backend queue answers
// 420; a stop answers the query in flight, then 421 and closes.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/stream_session.h"
#include "dict/command_parser.h"
#include "dict/query.h"

namespace muxd::dict {

enum TimeoutKind : uint8_t { kIdleTimeout = 1 };

// Commands are taken only while less than this waits to be sent.
inline constexpr uint64_t kMaxQueuedOutput = 64 * 1024;

struct SessionLimits {
  size_t max_definitions = 100;  // per DEFINE
  size_t max_matches = 1000;     // per MATCH
};

class Session final : public StreamSession {
 public:
  // `msg_id` is the banner's <...@host> (§3.1), unique per connection.
  // `lease` is kept until the session ends (the per-address count).
  Session(Backend& backend, std::string msg_id, SessionLimits limits = {},
          std::shared_ptr<void> lease = nullptr)
      : backend_(backend), msg_id_(std::move(msg_id)), limits_(limits), lease_(std::move(lease)) {}

  void attach(const std::function<Resume()>& make) override { resume_ = make(); }
  void on_start(OutputQueue& out) override;
  size_t on_data(std::string_view data, OutputQueue& out) override;
  void on_peer_closed(OutputQueue& out) override;
  void on_timeout(OutputQueue& out) override;
  void on_stop(OutputQueue& out) override;
  SessionWants wants(const OutputQueue& out) override;

  bool waiting() const { return waiting_.has_value(); }

 private:
  void execute(std::string_view line, OutputQueue& out);
  void ask(const Command& command, Query query, OutputQueue& out);
  void answer(const Command& command, const QueryResult& result, OutputQueue& out);
  void answer_define(const QueryResult& result, OutputQueue& out);
  void answer_match(const QueryResult& result, OutputQueue& out);
  void answer_databases(const QueryResult& result, OutputQueue& out);
  void answer_info(const std::string& name, const QueryResult& result, OutputQueue& out);
  void text(OutputQueue& out, std::string_view body);
  void status(OutputQueue& out, std::string_view line);

  Backend& backend_;
  std::string msg_id_;
  SessionLimits limits_;
  std::shared_ptr<void> lease_;
  Resume resume_;
  std::optional<Command> waiting_;  // the command whose query is out
  bool discarding_ = false;         // inside a line over the limit: skip to its end
  bool mime_ = false;               // OPTION MIME: text responses get a MIME header
  bool restart_timeout_ = false;
  bool closing_ = false;            // close once the replies are out
  bool stopping_ = false;           // the server stops: 421 once the query in flight is answered
  bool close_now_ = false;
  uint64_t definitions_ = 0, matches_ = 0, commands_ = 0;  // STATUS
};

// Appends `body` as a text response (§2.4.1): lines end in CRLF, a line that
// starts with '.' gets another, and a line holding only '.' ends it.
void append_text(OutputQueue& out, std::string_view body);

}  // namespace muxd::dict
