#include "ftp/line_framer.h"

namespace muxd::ftp {
namespace {

constexpr unsigned char kIac = 255;
constexpr unsigned char kFirstCommand = 240;  // SE; TELNET commands are 240..255
constexpr unsigned char kWill = 251;
constexpr unsigned char kDont = 254;

}  // namespace

LineFramer::Status LineFramer::next(std::string_view input, size_t* consumed, std::string* line) {
  for (size_t i = 0; i < input.size(); ++i) {
    bool ended = feed(static_cast<unsigned char>(input[i]));
    if (ended && !partial_.empty() && partial_.back() == '\r') partial_.pop_back();
    if (ended && partial_.size() > max_line_) too_long_ = true;
    if (too_long_) {
      *consumed = i + 1;
      return Status::too_long;  // sticky: the caller closes the connection
    }
    if (!ended) continue;
    *consumed = i + 1;
    line->swap(partial_);
    partial_.clear();
    return Status::line;
  }
  *consumed = input.size();
  return Status::need_more;
}

bool LineFramer::feed(unsigned char byte) {
  switch (telnet_) {
    case Telnet::iac:
      // WILL, WONT, DO and DONT name an option in the next byte; IAC IAC is
      // data. A byte below 240 is no TELNET command: the IAC alone is dropped
      // (a client's urgent-data "IAC DM" may have lost its DM out of band).
      telnet_ = (byte >= kWill && byte <= kDont) ? Telnet::option : Telnet::data;
      if (byte >= kFirstCommand && byte != kIac) return false;
      if (byte == '\n') return true;
      break;
    case Telnet::option:
      telnet_ = Telnet::data;
      return false;
    case Telnet::data:
      if (byte == kIac) {
        telnet_ = Telnet::iac;
        return false;
      }
      if (byte == '\n') return true;
      break;
  }
  // One byte of slack for the CR of a CRLF line end; checked again at the end.
  if (partial_.size() > max_line_) {
    too_long_ = true;
    return false;
  }
  partial_.push_back(static_cast<char>(byte));
  return false;
}

}  // namespace muxd::ftp
