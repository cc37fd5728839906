#include "tickets/session.h"

#include <fmt/format.h>

namespace muxd::tickets {

std::string reply_for(const Sale& sale) {
  switch (sale.outcome) {
    case Sale::Outcome::sold:
      return fmt::format("{}1", sale.remaining);
    case Sale::Outcome::sold_out:
      return "00";  // the course's str(ticket_num.value) + str(if_bought) with none left
    case Sale::Outcome::refused:
      break;
  }
  return std::string(kRefusal);
}

// The connection is the request: the sale starts now. The step names
// `this`, but a Resume runs it only while the session lives.
void Session::on_start(OutputQueue& out) {
  waiting_ = resume_ && seller_.submit(buyer_, [this, resume = resume_](Sale sale) {
    resume([this, sale](OutputQueue& o) { answer(sale, o); });
  });
  if (!waiting_) answer(Sale{}, out);  // the queue is full: refused, nothing sold
}

void Session::answer(const Sale& sale, OutputQueue& out) {
  waiting_ = false;
  answered_ = true;
  out.append(reply_for(sale));
}

// Whatever a client sends is not part of the protocol: read and dropped (only
// while lingering: wants() holds input before).
size_t Session::on_data(std::string_view data, OutputQueue&) { return data.size(); }

// A client that half-closed still gets its answer (the sale may be committed).
void Session::on_peer_closed(OutputQueue&) {}

// Only the linger timeout runs: the client kept the connection open too long.
void Session::on_timeout(OutputQueue&) { close_now_ = true; }

// A sale in flight is answered, then the connection closes as always.
void Session::on_stop(OutputQueue&) {}

SessionWants Session::wants(const OutputQueue&) {
  SessionWants wants;
  if (close_now_) {
    wants.close = SessionWants::Close::now;
    return wants;
  }
  if (waiting_) {  // no timer: the Seller's work is bounded (lock timeout x attempts)
    wants.read = false;
    return wants;
  }
  wants.close = SessionWants::Close::after_output_lingering;
  wants.timeout = kLingerTimeout;
  return wants;
}

}  // namespace muxd::tickets
