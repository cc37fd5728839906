// Fuzzes qa::Session and qa::Answers through a small driver that behaves as
// SessionConnection does (it keeps the bytes the session left unused and
// offers them again once the session wants input), against plain models: the
// framing rules one byte at a time, and the matching rule as a search of
// every keyword at every character (no trie). The input: one byte for the
// question limit, one for the number of keywords, each keyword as a length
// byte and its bytes (the table is parsed from `keyword<TAB>answer i` lines;
// no keyword, or a table the parser refuses, is the course's), then a script of
// events, each an opcode byte and, for bytes arriving, a length byte and the
// bytes. Invariants: the queued output is exactly the models' (each question
// answered once, in order; a newline-ended one with its line end; one over
// the limit closes lingering instead); the output stays within its budget;
// the timeout asked for is the pause only while a question is partial and no
// newline has come yet; once closing, nothing more is answered.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.h"
#include "qa/session.h"

namespace {

using muxd::OutputQueue;
using muxd::SessionWants;
using namespace muxd::qa;

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

struct Keyword {
  std::string text, answer;
};

// The matching rule, searched the slow way.
std::string model_answer(const std::vector<Keyword>& table, std::string_view question) {
  const Keyword* best = nullptr;
  size_t best_characters = 0;
  for (size_t start = 0; start < question.size(); start += muxd::decode_utf8(question.substr(start)).length) {
    for (const Keyword& keyword : table) {
      if (!question.substr(start).starts_with(keyword.text)) continue;
      size_t characters = 0;
      for (size_t i = 0; i < keyword.text.size(); i += muxd::decode_utf8(keyword.text.substr(i)).length) ++characters;
      if (!best || characters > best_characters || (characters == best_characters && &keyword < best)) {
        best = &keyword;
        best_characters = characters;
      }
    }
  }
  return best ? best->answer : "人家还小，不知道。";
}

// The framing rules, one byte at a time.
struct Model {
  const std::vector<Keyword>* table = nullptr;
  size_t max = 0;
  std::string partial;
  std::string queued;  // what the session should have queued since the last drain
  bool too_long = false;
  bool line_mode = false;

  void take(std::string_view used) {
    for (char c : used) {
      if (too_long) return;
      partial += c;
      if (partial.size() > max) {
        too_long = true;
        partial.clear();
      } else if (c == '\n') {
        size_t ending = partial.ends_with("\r\n") ? 2 : 1;
        queued += model_answer(*table, std::string_view(partial).substr(0, partial.size() - ending));
        queued += partial.substr(partial.size() - ending);
        partial.clear();
        line_mode = true;
      }
    }
  }
  void end() {
    if (partial.empty()) return;
    queued += model_answer(*table, partial);
    partial.clear();
  }
};

// Takes a length-prefixed string off the front of `script`.
std::string_view take_string(std::string_view& script) {
  if (script.empty()) return {};
  size_t length = std::min<size_t>(static_cast<uint8_t>(script[0]), script.size() - 1);
  std::string_view bytes = script.substr(1, length);
  script.remove_prefix(1 + length);
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  std::string_view script(reinterpret_cast<const char*>(data) + 2, size - 2);
  const size_t max = data[0] & 0x80 ? 4096 : 1 + data[0] % 64;
  std::vector<Keyword> table;
  std::string text;
  for (int i = 0; i < data[1] % 8; ++i) {
    table.push_back({std::string(take_string(script)), "answer " + std::to_string(i)});
    text += table.back().text + "\t" + table.back().answer + "\n";
  }
  Answers answers = Answers::course();
  bool one_per_line = true;  // else lines would not be the keywords (a comment, a keyword cut in two)
  for (const Keyword& keyword : table) one_per_line = one_per_line && !keyword.text.starts_with('#') &&
                                                      keyword.text.find('\n') == std::string::npos;
  try {
    if (!one_per_line || table.empty()) throw AnswersError("not this table");
    answers = Answers::parse(text, "fuzz");
    check(answers.size() == table.size(), "the parser took a table other than the lines");
  } catch (const AnswersError&) {
    table = {{"你好", "你好啊！"}, {"叫什么", "我叫小美"}, {"男生女生", "我是机器人啦"}, {"你几岁", "我2岁啦"}};
  }

  Session session(answers, max);
  Model model;
  model.table = &table;
  model.max = max;
  OutputQueue out;
  std::string input;  // what the driver holds for the session
  bool peer_closed = false, stopped = false;
  SessionWants wants = session.wants(out);

  auto offer = [&] {
    if (wants.close != SessionWants::Close::no || !wants.read || input.empty()) return;
    size_t used = session.on_data(input, out);
    check(used <= input.size(), "used more than it was given");
    model.take(std::string_view(input).substr(0, used));
    input.erase(0, used);
  };

  while (!script.empty() && wants.close != SessionWants::Close::now) {
    const auto opcode = static_cast<uint8_t>(script[0]);
    script.remove_prefix(1);
    switch (opcode % 6) {
      case 0:    // bytes arrive
      case 1: {  // ...many times over (a flood of short lines)
        if (peer_closed) break;
        std::string_view bytes = take_string(script);
        // Past 256 KiB unread the kernel would hold the rest: those bytes never came.
        for (int i = opcode % 6 == 1 ? 64 : 1; i > 0 && input.size() < (256u << 10); --i) input.append(bytes);
        offer();
        break;
      }
      case 2:  // the socket took everything queued
        check(out.contents() == model.queued, "the output is not what the models say");
        out.clear();
        model.queued.clear();
        offer();
        break;
      case 3:  // the timeout asked for runs out
        if (wants.timeout == 0) break;
        session.on_timeout(out);
        if (wants.timeout == kPauseTimeout) model.end();
        break;
      case 4:  // the client half-closes, once everything it sent was delivered
        if (peer_closed || !input.empty() || wants.close != SessionWants::Close::no) break;
        peer_closed = true;
        session.on_peer_closed(out);
        model.end();
        break;
      case 5:  // the server stops
        if (stopped) break;
        stopped = true;
        session.on_stop(out);
        model.end();
        break;
    }
    SessionWants previous = wants;
    wants = session.wants(out);
    check(out.pending_bytes() == model.queued.size(), "the output is not as long as the models say");
    check(out.pending_bytes() <= kMaxQueuedOutput + 2 * (kMaxAnswerBytes + 2), "the output grew past its budget");
    if (wants.close == SessionWants::Close::now) {
      check(previous.timeout == kIdleTimeout && opcode % 6 == 3, "closed at once other than by the idle timeout");
      break;
    }
    if (script.empty()) check(out.contents() == model.queued, "the output is not what the models say");
    bool closing = model.too_long || peer_closed || stopped;
    check((wants.close != SessionWants::Close::no) == closing, "closing when it should not, or not when it should");
    if (model.too_long) check(wants.close == SessionWants::Close::after_output_lingering, "a too long question lingers");
    bool pausing = !model.partial.empty() && !model.line_mode;
    check(wants.timeout == (pausing ? kPauseTimeout : kIdleTimeout), "the wrong timeout");
    if (!closing) check(wants.read == (out.pending_bytes() < kMaxQueuedOutput), "reads regardless of the output");
    if (closing) check(model.partial.empty(), "a question was left unanswered at the close");
  }
  return 0;
}
