#pragma once
// JSON string escaping for the access log's `json` format (RFC 8259 §7).
//
// Quotes, backslashes and every control byte (U+0000..U+001F, and DEL) are
// escaped; valid UTF-8 passes through unchanged. A byte that is not part of
// valid UTF-8 (a request target may hold anything) cannot be put in a JSON
// string as it is (§8.1: JSON text is UTF-8), and U+FFFD would lose it, so
// it is written as the four characters \xHH (in JSON: "\\xHH"), the way the
// combined format writes it. A literal backslash followed by "xHH" in the
// target decodes to the same text: the log reader cannot tell the two apart,
// which is the usual price of escaping into text (nginx's escape=default has it too).
#include <string>
#include <string_view>

namespace muxd::http {

// Appends `text` escaped, without the surrounding quotes.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace muxd::http
