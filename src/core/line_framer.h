#pragma once
// LineFramer: cuts a byte stream into lines for the sans-IO sessions of line
// protocols (core/stream_session.h; echo, qa). A line ends at '\n', which is
// kept, so "\n" and "\r\n" both reach the session as the client sent them.
//   - A line that arrives whole in one read is handed over as a view of that
//     read, not copied (the usual case); one that spans reads is gathered in
//     an owned string, freed as soon as the line has been handed over, so an
//     idle connection holds no memory.
//   - A line longer than max_line bytes ('\n' included) is refused as soon as
//     it grows past the bound, whether or not its end has come: the partial
//     line is dropped and the session decides what follows (both close).
//   - Backpressure: before each piece (a line, or the start of one) feed()
//     asks the session whether to go on; when not, the rest of the read stays
//     with the caller (StreamSession::on_data returns what it used).
// What ends a line that has no '\n' (a pause, a half-close, a stop) is the
// session's business: it takes the partial line with take_partial().
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace muxd {

class LineFramer {
 public:
  explicit LineFramer(size_t max_line) : max_(max_line) {}

  struct Fed {
    size_t used = 0;        // bytes of the read taken (lines handed over, the start of one kept)
    bool too_long = false;  // a line passed max_line: it was dropped, and feeding stopped
  };

  // Hands each line that ends in `data` to on_line(std::string_view line)
  // while go_on() is true (asked before each piece); keeps the start of a
  // line that does not end there.
  template <typename GoOn, typename OnLine>
  Fed feed(std::string_view data, GoOn&& go_on, OnLine&& on_line);

  bool has_partial() const { return !partial_.empty(); }
  // The line begun and not ended (no '\n'); the framer forgets it.
  std::string take_partial() { return std::exchange(partial_, std::string()); }

 private:
  size_t max_;
  std::string partial_;
};

template <typename GoOn, typename OnLine>
LineFramer::Fed LineFramer::feed(std::string_view data, GoOn&& go_on, OnLine&& on_line) {
  Fed fed;
  while (fed.used < data.size() && go_on()) {
    std::string_view rest = data.substr(fed.used);
    size_t newline = rest.find('\n');
    bool ends = newline != std::string_view::npos;
    std::string_view piece = rest.substr(0, ends ? newline + 1 : rest.size());
    if (partial_.size() + piece.size() > max_) {  // too long, whether or not its end is here
      partial_ = std::string();
      fed.too_long = true;
      return fed;
    }
    fed.used += piece.size();
    if (!ends) {
      partial_.append(piece);
    } else if (partial_.empty()) {
      on_line(piece);  // a whole line in one read: not copied
    } else {
      partial_.append(piece);
      std::string line = take_partial();
      on_line(std::string_view(line));
    }
  }
  return fed;
}

}  // namespace muxd
