// Fuzzes RequestParser and BodyDecoder. Input: one plan byte, up to 7 piece
// sizes, then the bytes a client sends. The plan byte picks default or tiny
// limits and how many piece sizes follow; the pieces, repeated, say how the
// bytes arrive. Checked: every split, and a moved buffer, give the verdict of
// one whole parse; views stay inside the input; limits hold.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/body_decoder.h"
#include "http/request_parser.h"

namespace {

using namespace muxd::http;

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

struct Plan {
  ParserLimits limits;
  std::vector<size_t> pieces;  // sizes in which the bytes arrive, cycled
  std::string_view input;
};

Plan read_plan(const uint8_t* data, size_t size) {
  Plan plan;
  plan.pieces = {1};
  if (size == 0) return plan;
  plan.pieces.clear();
  uint8_t head = data[0];
  if (head & 0x80) plan.limits = {.max_request_line = 40, .max_head_bytes = 120, .max_headers = 4, .max_body_bytes = 64};
  size_t count = std::min<size_t>(head & 7, size - 1);
  for (size_t i = 0; i < count; ++i) plan.pieces.push_back(data[1 + i] % 64 + 1);
  if (plan.pieces.empty()) plan.pieces.push_back(size);
  plan.input = {reinterpret_cast<const char*>(data) + 1 + count, size - 1 - count};
  return plan;
}

std::string describe(const ParseResult& result, const Request& r) {
  if (result.status == ParseResult::Incomplete) return "incomplete";
  if (result.status == ParseResult::Error) return "error " + std::to_string(result.http_status);
  std::string text = std::string(r.method_text) + ' ' + std::string(r.target) + ' ' + std::string(r.path) + '?' +
                     std::string(r.query) + ' ' + std::to_string(r.minor_version) + ' ' + std::string(r.host) +
                     ' ' + std::to_string(r.keep_alive) + std::to_string(static_cast<int>(r.body)) + ' ' +
                     std::to_string(r.content_length) + ' ' + std::to_string(r.head_size) + ' ' +
                     std::string(r.if_none_match) + std::string(r.if_modified_since) + std::string(r.range) +
                     std::string(r.if_range);
  for (const Header& h : r.headers()) text += '|' + std::string(h.name) + ':' + std::string(h.value);
  return text;
}

bool inside(std::string_view view, std::string_view data) {
  return view.empty() || (view.data() >= data.data() && view.data() + view.size() <= data.data() + data.size());
}

void check_request(const ParseResult& result, const Request& r, const Plan& plan) {
  if (result.status == ParseResult::Error) {
    int s = result.http_status;
    check(s == 400 || s == 413 || s == 414 || s == 431 || s == 501 || s == 505, "error status");
    check(result.reason != nullptr, "error reason");
    return;
  }
  if (result.status != ParseResult::Complete) return;
  std::string_view input = plan.input;
  check(r.head_size > 0 && r.head_size <= input.size(), "head_size within input");
  check(r.head_size <= plan.limits.max_head_bytes, "head limit");
  check(r.header_count <= plan.limits.max_headers, "header limit");
  check(r.minor_version == 0 || r.minor_version == 1, "version");
  check(r.body != BodyFraming::Length || r.content_length <= plan.limits.max_body_bytes, "body limit");
  std::string_view head = input.substr(0, r.head_size);
  for (std::string_view v : {r.method_text, r.target, r.query, r.host, r.if_none_match, r.if_modified_since,
                             r.range, r.if_range}) {
    check(inside(v, head), "view inside head");
  }
  check(r.path == "/" || r.path == "*" || inside(r.path, head), "path inside head");
  check(!r.method_text.empty() && !r.target.empty() && !r.path.empty(), "request line parts");
  for (const Header& h : r.headers()) check(inside(h.name, head) && inside(h.value, head), "header inside head");
}

std::string parse_in_pieces(const Plan& plan, bool move_buffer) {
  RequestParser parser(plan.limits);
  auto request = std::make_unique<Request>();
  std::string moving;
  ParseResult result{ParseResult::Incomplete, 0, nullptr};
  size_t arrived = 0;
  for (size_t i = 0; result.status == ParseResult::Incomplete; ++i) {
    arrived = std::min(plan.input.size(), arrived + plan.pieces[i % plan.pieces.size()]);
    std::string_view data = plan.input.substr(0, arrived);
    if (move_buffer) {
      moving = std::string(data);  // a fresh allocation: the parser must start over
      data = moving;
    }
    result = parser.parse(data, *request);
    if (arrived == plan.input.size()) break;
  }
  return describe(result, *request);
}

struct BodyOutcome {
  size_t consumed;
  bool done;
  int error;
  bool operator==(const BodyOutcome&) const = default;
};

BodyOutcome decode(const Request& request, const Plan& plan, std::string_view body, bool in_pieces) {
  BodyDecoder decoder(plan.limits.max_body_bytes);
  decoder.start(request);
  BodyOutcome outcome{0, false, 0};
  size_t arrived = 0;
  for (size_t i = 0;; ++i) {
    arrived = in_pieces ? std::min(body.size(), arrived + plan.pieces[i % plan.pieces.size()]) : body.size();
    auto result = decoder.feed(body.substr(outcome.consumed, arrived - outcome.consumed));
    outcome = {outcome.consumed + result.consumed, result.done, result.error_status};
    check(outcome.consumed <= arrived, "body consumed within input");
    if (outcome.done || outcome.error != 0 || arrived == body.size()) return outcome;
  }
}

void check_body(const Request& request, const Plan& plan, std::string_view body) {
  BodyOutcome whole = decode(request, plan, body, false);
  check(whole == decode(request, plan, body, true), "body split changes the outcome");
  if (whole.done && request.body == BodyFraming::Length) check(whole.consumed == request.content_length, "length");
  if (whole.error != 0) check(whole.error == 400 || whole.error == 413 || whole.error == 431, "body status");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Plan plan = read_plan(data, size);
  RequestParser parser(plan.limits);
  auto request = std::make_unique<Request>();
  ParseResult whole = parser.parse(plan.input, *request);
  check_request(whole, *request, plan);
  std::string expected = describe(whole, *request);
  check(parse_in_pieces(plan, false) == expected, "a split changes the verdict");
  check(parse_in_pieces(plan, true) == expected, "a moved buffer changes the verdict");
  if (whole.status == ParseResult::Complete) {
    std::string_view head = plan.input.substr(0, request->head_size);
    RequestParser again(plan.limits);
    auto alone = std::make_unique<Request>();
    check(describe(again.parse(head, *alone), *alone) == expected, "bytes after the head matter");
    check_body(*request, plan, plan.input.substr(request->head_size));
  }
  // The chunked decoder also gets the raw bytes, whatever the head parse said.
  request->body = BodyFraming::Chunked;
  check_body(*request, plan, plan.input);
  return 0;
}
