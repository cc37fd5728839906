// Fuzzes what --auth-file reads from clients and files, and the JSON log's
// escaping: the Authorization parser (RFC 7617 Basic, RFC 4648 base64), the
// htpasswd parser, and append_json_escaped. Checks:
//   - base64 that decodes re-encodes to the very input (one spelling per
//     byte string: no padding games, no non-zero pad bits);
//   - parsed credentials: the user holds no colon, neither part a control
//     character, and user:password is exactly what was decoded;
//   - htpasswd either parses or throws HtpasswdError, nothing else; every
//     hash it keeps has a shape check_hash_format accepts;
//   - escaped JSON is valid UTF-8 without a raw control byte, quote or
//     lone backslash.
// No hashing here (crypt would make each run slow): Htpasswd::verify is
// covered by the unit tests.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/utf8.h"
#include "http/basic_auth.h"
#include "http/htpasswd.h"
#include "http/json_escape.h"

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

std::string encode_base64(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(alphabet[(n >> 18) & 63]);
    out.push_back(alphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? alphabet[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? alphabet[n & 63] : '=');
  }
  return out;
}

void check_authorization(std::string_view input) {
  if (auto decoded = muxd::http::decode_base64(input)) require(encode_base64(*decoded) == input);
  auto credentials = muxd::http::parse_basic_authorization(input);
  if (!credentials) return;
  require(credentials->user.find(':') == std::string::npos);
  for (unsigned char c : credentials->user + credentials->password) require(c >= 0x20 && c != 0x7f);
  size_t start = input.find_first_not_of(' ', 5);
  require(start != std::string_view::npos);
  auto decoded = muxd::http::decode_base64(input.substr(start));
  require(decoded && *decoded == credentials->user + ":" + credentials->password);
}

void check_htpasswd(std::string_view input) {
  try {
    muxd::http::Htpasswd users = muxd::http::Htpasswd::parse(input, "fuzz");
    require(users.size() > 0);
    require(muxd::http::check_hash_format(users.decoy()).empty());
  } catch (const muxd::http::HtpasswdError&) {
  }
}

void check_json(std::string_view input) {
  std::string out;
  muxd::http::append_json_escaped(out, input);
  require(muxd::is_valid_utf8(out));
  for (size_t i = 0; i < out.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(out[i]);
    require(c >= 0x20 && c != 0x7f && c != '"');
    if (c == '\\') {
      require(i + 1 < out.size() && std::string_view("\"\\bfnrtu").find(out[i + 1]) != std::string_view::npos);
      ++i;  // the escaped character
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check_authorization(input);
  check_htpasswd(input);
  check_json(input);
  return 0;
}
