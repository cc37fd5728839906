#pragma once
// ReplyReader: the client side of RFC 959 §4.2 — reassembles one reply from
// the lines a server sends. A multi-line reply starts "123-" and ends at the
// first line that starts with the same code and a space; what comes between
// is text, whatever it looks like.
#include <cstddef>
#include <string>
#include <string_view>

namespace muxd::ftp {

inline constexpr size_t kMaxReplyLines = 100000;
inline constexpr size_t kMaxReplyBytes = 1 << 20;

struct FtpReply {
  int code = 0;
  std::string text;  // the lines without their codes, joined by '\n'

  bool preliminary() const { return code / 100 == 1; }
  bool positive() const { return code / 100 == 2; }
  bool intermediate() const { return code / 100 == 3; }
  std::string to_string() const;  // "550 No such file." (first line only)
};

class ReplyReader {
 public:
  enum class Status { incomplete, complete, malformed };

  // One line, without its CR LF. After `complete`, reply() holds the reply
  // and the next line starts a new one. `malformed` is final.
  Status feed(std::string_view line);
  const FtpReply& reply() const { return reply_; }

 private:
  Status start(std::string_view line);
  Status fail();

  FtpReply reply_;
  size_t lines_ = 0;
  bool in_multiline_ = false;
  bool malformed_ = false;
};

}  // namespace muxd::ftp
