#pragma once
// FTP replies as they go on the wire (RFC 959 §4.2).
//
// A single-line reply is "123 text\r\n". Text containing '\n' becomes a
// multi-line reply: "123-first\r\n", the middle lines, "123 last\r\n"; a middle
// line that starts with a digit is indented by one space so that a client can
// never mistake it for the last line (§4.2, "pad the front"). CR bytes are
// dropped, so a file name can never forge a reply of its own.
#include <string>
#include <string_view>

namespace muxd::ftp {

void append_reply(std::string& out, int code, std::string_view text);
std::string format_reply(int code, std::string_view text);

// A path inside a 257 reply, quoted as RFC 959 Appendix II asks: "/a ""b""".
std::string quote_path(std::string_view path);

}  // namespace muxd::ftp
