#pragma once
// The course's dictionary protocol over UDP (004 §1.2, "网络单词查询"): a
// datagram holds a word (UTF-8), the answer datagram holds its meaning, or
// exactly `Not Found`. Sans-IO: what a datagram asks, what goes back.
//
// Decisions (the course's server does `recvfrom(128)` and `word.decode()`,
// which dies on invalid UTF-8; its client reads `recvfrom(1024)`):
//   - one trailing LF or CRLF is dropped (`echo word | nc -u` works);
//   - dropped without an answer: an empty word, a word over kMaxWordBytes,
//     invalid UTF-8, control characters. Nothing legitimate sends those, and
//     an answer to a forged source address would be traffic for a victim;
//   - the answer is at most `max_bytes` (1,024 by default, what the course's
//     client reads), cut at a UTF-8 character boundary, so the client's
//     decode() never fails. The whole text is there over DICT.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace muxd::dict {

inline constexpr std::string_view kNotFound = "Not Found";
inline constexpr size_t kMaxDatagramBytes = 2048;  // a bigger datagram is dropped

// The word a datagram asks for, or nullopt when it is to be dropped.
std::optional<std::string_view> udp_word(std::string_view datagram);

// The answer datagram for `meaning` (empty: not found), at most `max_bytes`.
std::string udp_answer(std::string_view meaning, size_t max_bytes);

}  // namespace muxd::dict
