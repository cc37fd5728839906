#include "ftp/reply.h"

#include <fmt/format.h>

namespace muxd::ftp {
namespace {

void append_line(std::string& out, std::string_view line) {
  for (char c : line) {
    if (c != '\r') out.push_back(c);
  }
  out.append("\r\n");
}

bool starts_with_digit(std::string_view line) {
  return !line.empty() && line[0] >= '0' && line[0] <= '9';
}

}  // namespace

void append_reply(std::string& out, int code, std::string_view text) {
  size_t newline = text.find('\n');
  if (newline == std::string_view::npos) {
    out.append(fmt::format("{} ", code));
    append_line(out, text);
    return;
  }
  out.append(fmt::format("{}-", code));
  append_line(out, text.substr(0, newline));
  text.remove_prefix(newline + 1);
  for (newline = text.find('\n'); newline != std::string_view::npos; newline = text.find('\n')) {
    std::string_view line = text.substr(0, newline);
    if (starts_with_digit(line)) out.push_back(' ');
    append_line(out, line);
    text.remove_prefix(newline + 1);
  }
  out.append(fmt::format("{} ", code));
  append_line(out, text);
}

std::string format_reply(int code, std::string_view text) {
  std::string out;
  append_reply(out, code, text);
  return out;
}

std::string quote_path(std::string_view path) {
  std::string quoted = "\"";
  for (char c : path) {
    quoted.push_back(c);
    if (c == '"') quoted.push_back('"');
  }
  quoted.push_back('"');
  return quoted;
}

}  // namespace muxd::ftp
