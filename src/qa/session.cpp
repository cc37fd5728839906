#include "qa/session.h"

namespace muxd::qa {

// Answers every question that ends in `data`; keeps the start of the next one.
size_t Session::on_data(std::string_view data, OutputQueue& out) {
  LineFramer::Fed fed = lines_.feed(
      data, [&] { return !closing_ && out.pending_bytes() < kMaxQueuedOutput; },
      [&](std::string_view line) { answer_line(line, out); });
  if (fed.too_long) {
    closing_ = linger_ = true;  // the client may still be sending it
    return data.size();
  }
  restart_timeout_ = restart_timeout_ || fed.used > 0;
  return fed.used;
}

// `line` ends with "\n" or "\r\n"; its answer ends the same way.
void Session::answer_line(std::string_view line, OutputQueue& out) {
  size_t ending = line.ends_with("\r\n") ? 2 : 1;
  line_mode_ = true;
  out.append(answers_.answer(line.substr(0, line.size() - ending)));
  out.append(line.substr(line.size() - ending));  // joins the answer's segment: one write for both
  restart_timeout_ = true;
}

// A question without a line end: its answer has none either, as the course's server sends it.
void Session::end_partial(OutputQueue& out) {
  if (!lines_.has_partial()) return;
  out.append(answers_.answer(lines_.take_partial()));  // freed: an idle connection holds no memory
  restart_timeout_ = true;
}

// The client sends no more: the question it began is complete.
void Session::on_peer_closed(OutputQueue& out) {
  end_partial(out);
  closing_ = true;
}

// The pause ends a question; the idle timeout ends the connection.
void Session::on_timeout(OutputQueue& out) {
  if (pausing()) return end_partial(out);
  close_now_ = true;
}

// Graceful stop: answer what has come, send it, close.
void Session::on_stop(OutputQueue& out) {
  end_partial(out);
  closing_ = true;
}

SessionWants Session::wants(const OutputQueue& out) {
  SessionWants wants;
  if (close_now_) {
    wants.close = SessionWants::Close::now;
    return wants;
  }
  wants.timeout = pausing() ? kPauseTimeout : kIdleTimeout;
  wants.restart_timeout = restart_timeout_;
  wants.restart_on_progress = wants.timeout == kIdleTimeout && !out.empty();  // a slow reader is not idle
  restart_timeout_ = false;
  if (closing_) {
    wants.close = linger_ ? SessionWants::Close::after_output_lingering : SessionWants::Close::after_output;
    return wants;
  }
  wants.read = out.pending_bytes() < kMaxQueuedOutput;
  wants.idle = out.empty() && !lines_.has_partial();
  return wants;
}

}  // namespace muxd::qa
