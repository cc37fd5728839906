#pragma once
// `--header 'Name: value'`: response fields the operator adds to every
// response. Checked once at start-up, so nothing a request does can change
// them and nothing invalid reaches the wire:
//   - the name is a token (RFC 9110 §5.1, §5.6.2: tchar only);
//   - the value is field-content (§5.5): visible ASCII, SP, HTAB and obs-text;
//     CR, LF and NUL (response splitting) and other controls are refused;
//   - fields that frame the message or that muxd writes itself
//     (Content-Length, Transfer-Encoding, Connection, Date, Server, ...) are
//     refused: a second copy would make the response ambiguous (RFC 9112 §6.3).
#include <optional>
#include <string>
#include <string_view>

namespace muxd::http {

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c);
bool is_token(std::string_view text);
// RFC 9110 §5.5 field-value (after OWS trimming): no CTLs but HTAB.
bool is_field_value(std::string_view value);

// Parses one --header argument into "Name: value\r\n", or returns nullopt and
// says why in `error`.
std::optional<std::string> parse_header_flag(std::string_view flag, std::string* error);

}  // namespace muxd::http
