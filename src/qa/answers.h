#pragma once
// qa::Answers: the Q&A bot's keyword table (004 §1.3.5, 对话小程序) and the
// rule that picks an answer. The course's server answers with the first key
// of its dict found in the question; here the longest keyword found wins
// (in characters; a tie goes to the earlier line), so the answer does not
// depend on the order of the table. Matching compares bytes of UTF-8 text at
// character boundaries: invalid bytes in a question match nothing, and an
// answer is always a whole line of the table, never bytes of the question.
//
// Keywords sit in a byte trie, so a question costs at most (its length x the
// longest keyword) steps however large the table; the table is bounded by
// kMaxEntries and the lengths below. Immutable once built: the workers share
// one, read-only.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace muxd::qa {

inline constexpr size_t kMaxEntries = 10'000;
inline constexpr size_t kMaxKeywordBytes = 120;     // 40 Chinese characters
inline constexpr size_t kMaxAnswerBytes = 1024;     // the course's client reads 1,024 bytes
inline constexpr size_t kMaxFileBytes = 16u << 20;  // more than a full table needs
// The exercise's words; its code says 人家还小不知道啦。
inline constexpr std::string_view kCourseDefaultAnswer = "人家还小，不知道。";

// What is wrong with an answers file: "FILE:LINE: why" (or "FILE: why").
class AnswersError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Answers {
 public:
  // The course's table: 你好, 叫什么, 男生女生, 你几岁; the default 人家还小，不知道。
  static Answers course();
  // `keyword<TAB>answer` lines ('\n' or "\r\n"; empty lines and lines that
  // start with '#' are skipped). `name` is the file's, for errors.
  static Answers parse(std::string_view text, std::string_view name);
  // Reads `path` and parses it. AnswersError for its content; std::system_error
  // when it cannot be read.
  static Answers load(const std::string& path);

  // What keeps `text` from being an answer ("" when it can be one): empty,
  // too long, not UTF-8, control characters.
  static std::string check_answer(std::string_view text);
  // Said when no keyword is in the question; check_answer() it first.
  void set_default_answer(std::string answer) { default_ = std::move(answer); }

  const std::string& answer(std::string_view question) const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string answer;
    size_t characters;  // of the keyword: what "longest" compares
    size_t line;
  };

  // What is wrong with the keyword and answer ("" when they were added).
  std::string add(std::string_view keyword, std::string_view answer, size_t line);

  std::vector<Entry> entries_;                    // in line order: a lower index wins a tie
  std::vector<uint32_t> ends_{0};                 // trie node -> entry index + 1 (0: no keyword ends here)
  std::unordered_map<uint64_t, uint32_t> edges_;  // node << 8 | byte -> child node; node 0 is the root
  std::string default_{kCourseDefaultAnswer};
};

}  // namespace muxd::qa
