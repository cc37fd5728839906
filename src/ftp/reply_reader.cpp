#include "ftp/reply_reader.h"

namespace muxd::ftp {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "ddd" followed by the end, a space or a dash; the code is 100..599.
int code_of(std::string_view line) {
  if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return 0;
  if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return 0;
  int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  return (code >= 100 && code < 600) ? code : 0;
}

std::string_view text_of(std::string_view line) { return line.size() > 4 ? line.substr(4) : ""; }

}  // namespace

std::string FtpReply::to_string() const {
  return std::to_string(code) + " " + text.substr(0, text.find('\n'));
}

ReplyReader::Status ReplyReader::feed(std::string_view line) {
  if (malformed_) return Status::malformed;
  if (!in_multiline_) return start(line);
  if (++lines_ > kMaxReplyLines || reply_.text.size() + line.size() > kMaxReplyBytes) return fail();
  bool last = code_of(line) == reply_.code && line.size() >= 4 && line[3] == ' ';
  reply_.text.push_back('\n');
  reply_.text.append(last ? text_of(line) : line);
  if (!last) return Status::incomplete;
  in_multiline_ = false;
  return Status::complete;
}

ReplyReader::Status ReplyReader::start(std::string_view line) {
  int code = code_of(line);
  if (code == 0 || line.size() > kMaxReplyBytes) return fail();
  reply_ = FtpReply{code, std::string(text_of(line))};
  lines_ = 1;
  in_multiline_ = line.size() >= 4 && line[3] == '-';
  return in_multiline_ ? Status::incomplete : Status::complete;
}

ReplyReader::Status ReplyReader::fail() {
  malformed_ = true;
  return Status::malformed;
}

}  // namespace muxd::ftp
