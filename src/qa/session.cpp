#include "qa/session.h"

namespace muxd::qa {

// Answers every question that ends in `data`; keeps the start of the next one.
size_t Session::on_data(std::string_view data, OutputQueue& out) {
  size_t used = 0;
  while (used < data.size() && !closing_ && out.pending_bytes() < kMaxQueuedOutput) {
    std::string_view rest = data.substr(used);
    size_t newline = rest.find('\n');
    std::string_view piece = rest.substr(0, newline == std::string_view::npos ? rest.size() : newline + 1);
    if (partial_.size() + piece.size() > max_) {  // too long, whether or not its end is here
      partial_ = std::string();
      closing_ = linger_ = true;  // the client may still be sending it
      return data.size();
    }
    used += piece.size();
    if (newline == std::string_view::npos) {
      partial_.append(piece);
    } else if (partial_.empty()) {
      answer_line(piece, out);  // the usual case: a whole line in one read, not copied
    } else {
      partial_.append(piece);
      answer_line(partial_, out);
      partial_ = std::string();
    }
  }
  restart_timeout_ = restart_timeout_ || used > 0;
  return used;
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
  if (partial_.empty()) return;
  out.append(answers_.answer(partial_));
  partial_ = std::string();  // an idle connection holds no memory
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
  wants.idle = out.empty() && partial_.empty();
  return wants;
}

}  // namespace muxd::qa
