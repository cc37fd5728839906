// Fuzzes the DICT command parser (RFC 2229 §2.2) and the session around it.
// The input is a stream of client bytes.
// Invariants, per line: parse_command() either carries out a command or
// names a code of the 500 series (500-503); a line that splits into words
// splits into the same words again after each is re-quoted with quote_string();
// parameters of DEFINE and MATCH are within the word limit.
// For the session (fed the stream in two pieces, a fake backend answering
// every query with one entry whose meaning is the word): the output is whole
// CRLF lines, each status line is three digits and a space, text blocks end
// with "." alone and no text line inside starts with a lone "."; the input
// used never passes a line end that was not answered.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "dict/command_parser.h"
#include "dict/session.h"

namespace {

using namespace muxd;
using namespace muxd::dict;

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

void check_line(std::string_view line) {
  ParsedLine parsed = parse_command(line);
  if (!parsed.ok) {
    check(parsed.error.code >= 500 && parsed.error.code <= 503, "error codes are 500..503");
  } else if (parsed.command.verb == Verb::define || parsed.command.verb == Verb::match) {
    check(parsed.command.word.size() <= kMaxWordBytes, "words within the limit");
  }
  std::vector<std::string> words;
  if (!split_words(line, words)) return;
  std::string again;
  for (const std::string& word : words) again += quote_string(word) + " ";
  std::vector<std::string> reparsed;
  check(split_words(again, reparsed), "re-quoted words split");
  check(reparsed == words, "re-quoted words split into the same words");
}

class AnsweringBackend final : public Backend {
 public:
  std::deque<std::pair<Query, std::function<void(QueryResult)>>> pending;
  bool submit(Query query, std::function<void(QueryResult)> done) override {
    if (pending.size() > 3) return false;  // exercises the 420 path too
    pending.emplace_back(std::move(query), std::move(done));
    return true;
  }
  void answer_all() {
    while (!pending.empty()) {
      auto [query, done] = std::move(pending.front());
      pending.pop_front();
      QueryResult result;
      result.databases = {{"wn", "WordNet", 1}};
      if (query.kind != Query::Kind::databases) result.entries.push_back({"wn", query.word, query.word});
      done(std::move(result));
    }
  }
};

// Whole CRLF lines; status lines "NNN "; text blocks end with ".".
void check_output(const std::string& output) {
  check(output.empty() || output.size() >= 2, "output is lines");
  bool in_text = false;
  size_t pos = 0;
  while (pos < output.size()) {
    size_t end = output.find("\r\n", pos);
    check(end != std::string::npos, "every line ends in CRLF");
    std::string_view line(output.data() + pos, end - pos);
    check(line.find('\n') == std::string_view::npos, "no bare LF inside a line");
    pos = end + 2;
    if (in_text) {
      if (line == ".") in_text = false;
      else check(line.empty() || line[0] != '.' || (line.size() > 1 && line[1] == '.'), "text lines are dot-stuffed");
      continue;
    }
    if (line.rfind("Content-type:", 0) == 0 || line.rfind("Content-transfer-encoding:", 0) == 0 || line.empty()) continue;
    check(line.size() >= 4 && line[3] == ' ', "a status line is a code and a space");
    check(line[0] >= '1' && line[0] <= '5', "a status code starts with 1-5");
    for (int i = 1; i < 3; ++i) check(line[i] >= '0' && line[i] <= '9', "a status code is three digits");
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    in_text = code == 110 || code == 111 || code == 112 || code == 113 || code == 114 || code == 151 || code == 152;
  }
  check(!in_text, "a text block is closed");
}

void run_session(std::string_view stream) {
  AnsweringBackend backend;
  OutputQueue out;
  Session session(backend, "<1.1@fuzz>");
  std::vector<ResumeStep> steps;
  session.attach([&] { return Resume([&](ResumeStep step) { step(out); }); });
  session.on_start(out);
  std::string input;
  size_t split = stream.empty() ? 0 : static_cast<unsigned char>(stream[0]) % (stream.size() + 1);
  for (std::string_view piece : {stream.substr(0, split), stream.substr(split)}) {
    input.append(piece);
    for (int round = 0; round < 64; ++round) {
      size_t used = session.on_data(input, out);
      check(used <= input.size(), "used within the data");
      input.erase(0, used);
      backend.answer_all();
      if (out.pending_bytes() >= kMaxQueuedOutput) out.clear();  // the client read it
      SessionWants wants = session.wants(out);
      if (wants.close != SessionWants::Close::no || used == 0) break;
    }
  }
  session.on_stop(out);
  backend.answer_all();
  check_output(out.contents());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view stream(reinterpret_cast<const char*>(data), size);
  size_t pos = 0;
  while (pos <= stream.size()) {
    size_t end = stream.find('\n', pos);
    std::string_view line = stream.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    check_line(line);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  run_session(stream);
  return 0;
}
