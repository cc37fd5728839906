#include "qa/answers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "core/unique_fd.h"
#include "core/utf8.h"

namespace muxd::qa {
namespace {

// "" when `text` is 1..max bytes of UTF-8 without C0 controls or DEL (a tab
// would end the keyword, a newline the answer).
std::string check_text(std::string_view what, std::string_view text, size_t max) {
  if (text.empty()) return fmt::format("empty {}", what);
  if (text.size() > max) return fmt::format("the {} is longer than {} bytes", what, max);
  if (!is_valid_utf8(text)) return fmt::format("the {} is not valid UTF-8", what);
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return fmt::format("the {} holds a control character", what);
  }
  return {};
}

size_t characters(std::string_view text) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); i += decode_utf8(text.substr(i)).length) ++count;
  return count;
}

}  // namespace

Answers Answers::course() {
  Answers answers;
  size_t line = 0;
  for (auto [keyword, answer] : {std::pair{"你好", "你好啊！"}, {"叫什么", "我叫小美"}, {"男生女生", "我是机器人啦"},
                                 {"你几岁", "我2岁啦"}}) {
    answers.add(keyword, answer, ++line);
  }
  return answers;
}

std::string Answers::check_answer(std::string_view text) { return check_text("answer", text, kMaxAnswerBytes); }

std::string Answers::add(std::string_view keyword, std::string_view answer, size_t line) {
  if (std::string why = check_text("keyword", keyword, kMaxKeywordBytes); !why.empty()) return why;
  if (std::string why = check_answer(answer); !why.empty()) return why;
  if (entries_.size() == kMaxEntries) return fmt::format("more than {} keywords", kMaxEntries);
  uint32_t node = 0;
  for (unsigned char byte : keyword) {
    auto [edge, added] = edges_.try_emplace(uint64_t{node} << 8 | byte, static_cast<uint32_t>(ends_.size()));
    if (added) ends_.push_back(0);
    node = edge->second;
  }
  if (ends_[node] != 0) return fmt::format("the keyword is already on line {}", entries_[ends_[node] - 1].line);
  entries_.push_back({std::string(answer), characters(keyword), line});
  ends_[node] = static_cast<uint32_t>(entries_.size());
  return {};
}

Answers Answers::parse(std::string_view text, std::string_view name) {
  Answers answers;
  for (size_t number = 1; !text.empty(); ++number) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() || line.starts_with('#')) continue;
    size_t tab = line.find('\t');
    std::string why = tab == std::string_view::npos
                          ? "no tab between the keyword and the answer"
                          : answers.add(line.substr(0, tab), line.substr(tab + 1), number);
    if (!why.empty()) throw AnswersError(fmt::format("{}:{}: {}", name, number, why));
  }
  if (answers.entries_.empty()) throw AnswersError(fmt::format("{}: no keyword<TAB>answer line", name));
  return answers;
}

Answers Answers::load(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) != 0) throw std::system_error(errno, std::generic_category(), path);
  if (!S_ISREG(st.st_mode)) throw AnswersError(fmt::format("{}: not a regular file", path));
  std::string text;
  char buffer[65536];
  while (ssize_t n = ::read(fd.get(), buffer, sizeof buffer)) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), path);
    if (text.size() + static_cast<size_t>(n) > kMaxFileBytes)
      throw AnswersError(fmt::format("{}: larger than {} bytes", path, kMaxFileBytes));
    text.append(buffer, static_cast<size_t>(n));
  }
  return parse(text, path);
}

// Every keyword that starts at a character of the question, through the trie.
const std::string& Answers::answer(std::string_view question) const {
  const Entry* best = nullptr;
  for (size_t start = 0; start < question.size(); start += decode_utf8(question.substr(start)).length) {
    uint32_t node = 0;
    for (size_t i = start; i < question.size(); ++i) {
      auto edge = edges_.find(uint64_t{node} << 8 | static_cast<unsigned char>(question[i]));
      if (edge == edges_.end()) break;
      node = edge->second;
      if (ends_[node] == 0) continue;
      const Entry& found = entries_[ends_[node] - 1];
      if (!best || found.characters > best->characters || (found.characters == best->characters && &found < best)) {
        best = &found;
      }
    }
  }
  return best ? best->answer : default_;
}

}  // namespace muxd::qa
