// Fuzzes echo::Session through a small driver that behaves as SessionConnection
// does (it keeps the bytes the session left unused and offers them again once
// the session wants input), against a plain model of the framing rules. The
// input: one byte for the message limit, then a script of events, each an
// opcode byte and, for bytes arriving, a length byte and the bytes.
// Invariants: the queued output is exactly the model's (each used byte comes
// back once, in order, with a `[ctime()]: ` prefix where a message starts;
// messages end at '\n', a pause, the peer's close or the stop; one over the
// limit closes lingering instead); the output stays within its budget; the
// timeout asked for is the pause while a message is partial, else idle; once
// closing, nothing more is answered.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "echo/session.h"

namespace {

using muxd::OutputQueue;
using muxd::SessionWants;
using namespace muxd::echo;

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

// The framing rules, one byte at a time.
struct Model {
  size_t max = 0;
  std::string partial;
  std::string queued;  // what the session should have queued since the last drain
  bool too_long = false;

  void take(std::string_view used, const std::string& prefix) {
    for (char c : used) {
      if (too_long) return;
      partial += c;
      if (partial.size() > max) {
        too_long = true;
        partial.clear();
      } else if (c == '\n') {
        end(prefix);
      }
    }
  }
  void end(const std::string& prefix) {
    if (partial.empty()) return;
    queued += prefix + partial;
    partial.clear();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view script(reinterpret_cast<const char*>(data) + 1, size - 1);
  time_t now = 1764496987;
  Timestamps timestamps([&now] { return now; });
  const size_t max = data[0] & 0x80 ? 8192 : 1 + data[0] % 64;
  Session session(max, timestamps);
  Model model;
  model.max = max;
  OutputQueue out;
  std::string input;  // what the driver holds for the session
  bool peer_closed = false, stopped = false;
  SessionWants wants = session.wants(out);

  auto offer = [&] {
    if (wants.close != SessionWants::Close::no || !wants.read || input.empty()) return;
    size_t used = session.on_data(input, out);
    check(used <= input.size(), "used more than it was given");
    model.take(std::string_view(input).substr(0, used), muxd::echo::ctime_prefix(now));
    input.erase(0, used);
  };

  while (!script.empty() && wants.close != SessionWants::Close::now) {
    const auto opcode = static_cast<uint8_t>(script[0]);
    script.remove_prefix(1);
    switch (opcode % 7) {
      case 0:    // bytes arrive
      case 1: {  // ...many times over (a flood of short lines)
        if (script.empty() || peer_closed) break;
        size_t length = std::min<size_t>(static_cast<uint8_t>(script[0]), script.size() - 1);
        std::string_view bytes = script.substr(1, length);
        script.remove_prefix(1 + length);
        // Past 256 KiB unread the kernel would hold the rest: those bytes never came.
        for (int i = opcode % 7 == 1 ? 64 : 1; i > 0 && input.size() < (256u << 10); --i) input.append(bytes);
        offer();
        break;
      }
      case 2:  // the socket took everything queued
        check(out.contents() == model.queued, "the output is not what the framing rules say");
        out.clear();
        model.queued.clear();
        offer();
        break;
      case 3:  // the timeout asked for runs out
        if (wants.timeout == 0) break;
        session.on_timeout(out);
        if (wants.timeout == kPauseTimeout) model.end(muxd::echo::ctime_prefix(now));
        break;
      case 4:  // the client half-closes, once everything it sent was delivered
        if (peer_closed || !input.empty() || wants.close != SessionWants::Close::no) break;
        peer_closed = true;
        session.on_peer_closed(out);
        model.end(muxd::echo::ctime_prefix(now));
        break;
      case 5:  // the server stops
        if (stopped) break;
        stopped = true;
        session.on_stop(out);
        model.end(muxd::echo::ctime_prefix(now));
        break;
      case 6:  // time passes
        now += opcode / 7;
        break;
    }
    SessionWants previous = wants;
    wants = session.wants(out);
    check(out.pending_bytes() == model.queued.size(), "the output is not as long as the framing rules say");
    check(out.pending_bytes() <= kMaxQueuedOutput + 64 + max, "the output grew past its budget");
    if (wants.close == SessionWants::Close::now) {
      check(previous.timeout == kIdleTimeout && opcode % 7 == 3, "closed at once other than by the idle timeout");
      break;
    }
    if (script.empty()) check(out.contents() == model.queued, "the output is not what the framing rules say");
    bool closing = model.too_long || peer_closed || stopped;
    check((wants.close != SessionWants::Close::no) == closing, "closing when it should not, or not when it should");
    if (model.too_long) check(wants.close == SessionWants::Close::after_output_lingering, "a too long message lingers");
    check(wants.timeout == (model.partial.empty() ? kIdleTimeout : kPauseTimeout), "the wrong timeout");
    if (!closing) check(wants.read == (out.pending_bytes() < kMaxQueuedOutput), "reads regardless of the output");
    if (closing) check(model.partial.empty(), "a message was left unanswered at the close");
  }
  return 0;
}
