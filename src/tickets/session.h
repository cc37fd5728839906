#pragma once
// tickets::Session: one buyer at the course's ticket office (000, 模拟购票),
// sans-IO (the StreamSession contract in core/stream_session.h).
//
// The course's protocol: connecting IS the request (the client sends
// nothing); the server answers `<remaining><bought>` in ASCII, no newline,
// and closes: "31" bought one, three left; "00" sold out. muxd adds one
// reply, the refusal "busy" (the database stayed locked, or its queue is
// full): no ticket was sold, and the course's client, which parses
// int(data[:-1]), int(data[-1]), cannot take it for a sale.
//
// The session starts the sale at once (on_start) through a Seller, which
// answers later on this loop (a database transaction on a pool thread);
// meanwhile it reads nothing and runs no timer. The answer is queued, then
// the connection closes lingering (our FIN first, then whatever the client
// still sends is read and discarded until it closes, at most the linger
// timeout): a client that did send something never gets a reset that could
// destroy the answer. Nothing the client sends is parsed.
#include <functional>
#include <string>
#include <string_view>

#include "core/stream_session.h"
#include "tickets/stock.h"

namespace muxd::tickets {

enum TimeoutKind : uint8_t { kLingerTimeout = 1 };

inline constexpr std::string_view kRefusal = "busy";

// "31", "00", or kRefusal: the bytes a Sale is answered with.
std::string reply_for(const Sale& sale);

// Where sales are made. submit() returns false when it cannot take one now
// (the queue is full); otherwise `done` runs later, on the caller's loop.
class Seller {
 public:
  virtual ~Seller() = default;
  virtual bool submit(std::string buyer, std::function<void(Sale)> done) = 0;
};

class Session final : public StreamSession {
 public:
  Session(Seller& seller, std::string buyer) : seller_(seller), buyer_(std::move(buyer)) {}

  void attach(const std::function<Resume()>& make) override { resume_ = make(); }
  void on_start(OutputQueue& out) override;
  size_t on_data(std::string_view data, OutputQueue& out) override;
  void on_peer_closed(OutputQueue& out) override;
  void on_timeout(OutputQueue& out) override;
  void on_stop(OutputQueue& out) override;
  SessionWants wants(const OutputQueue& out) override;

  bool waiting() const { return waiting_; }

 private:
  void answer(const Sale& sale, OutputQueue& out);

  Seller& seller_;
  std::string buyer_;
  Resume resume_;
  bool waiting_ = false;   // the sale is at the Seller
  bool answered_ = false;  // the reply is queued: close once it is out
  bool close_now_ = false;
};

}  // namespace muxd::tickets
