#include "http/body_decoder.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace muxd::http {
namespace {

constexpr uint64_t kMax = 1 << 20;

struct Outcome {
  size_t consumed = 0;
  bool done = false;
  int error = 0;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "{consumed " << o.consumed << ", done " << o.done << ", error " << o.error << "}";
}

std::unique_ptr<Request> request_with(BodyFraming body, uint64_t content_length = 0) {
  auto request = std::make_unique<Request>();
  request->body = body;
  request->content_length = content_length;
  return request;
}

// Feeds `input` in pieces ending at each of `cuts`, as a connection would:
// each feed gets what arrived after the bytes already consumed.
Outcome feed_in_pieces(BodyDecoder& decoder, std::string_view input, const std::vector<size_t>& cuts) {
  Outcome outcome;
  size_t arrived = 0;
  for (size_t cut : cuts) {
    arrived = std::max(arrived, std::min(cut, input.size()));
    auto result = decoder.feed(input.substr(outcome.consumed, arrived - outcome.consumed));
    outcome = {outcome.consumed + result.consumed, result.done, result.error_status};
    if (outcome.done || outcome.error != 0) break;
  }
  return outcome;
}

Outcome decode_chunked(std::string_view input, const std::vector<size_t>& cuts, uint64_t max = kMax) {
  BodyDecoder decoder(max);
  decoder.start(*request_with(BodyFraming::Chunked));
  return feed_in_pieces(decoder, input, cuts);
}

Outcome decode_chunked(std::string_view input, uint64_t max = kMax) {
  return decode_chunked(input, {input.size()}, max);
}

TEST(BodyDecoder, HasNothingToDoWithoutABody) {
  BodyDecoder decoder(kMax);
  decoder.start(*request_with(BodyFraming::None));
  auto result = decoder.feed("GET / HTTP/1.1\r\n");
  EXPECT_EQ(result.consumed, 0u);
  EXPECT_TRUE(result.done);
  EXPECT_EQ(result.error_status, 0);
}

TEST(BodyDecoder, ConsumesContentLengthBytesAcrossFeeds) {
  BodyDecoder decoder(kMax);
  decoder.start(*request_with(BodyFraming::Length, 5));
  auto first = decoder.feed("hel");
  EXPECT_EQ(first.consumed, 3u);
  EXPECT_FALSE(first.done);
  auto second = decoder.feed("loGET /");
  EXPECT_EQ(second.consumed, 2u);
  EXPECT_TRUE(second.done);
}

TEST(BodyDecoder, IsDoneAtOnceForAnEmptyLengthBody) {
  BodyDecoder decoder(kMax);
  decoder.start(*request_with(BodyFraming::Length, 0));
  EXPECT_TRUE(decoder.feed("").done);
}

TEST(BodyDecoder, LimitsContentLength) {
  BodyDecoder decoder(10);
  decoder.start(*request_with(BodyFraming::Length, 10));
  EXPECT_TRUE(decoder.feed(std::string(10, 'x')).done);
  decoder.start(*request_with(BodyFraming::Length, 11));
  EXPECT_EQ(decoder.feed("x").error_status, 413);
}

TEST(BodyDecoder, CanBeReusedForTheNextRequest) {
  BodyDecoder decoder(kMax);
  decoder.start(*request_with(BodyFraming::Chunked));
  EXPECT_EQ(decoder.feed("zz").error_status, 400);
  decoder.start(*request_with(BodyFraming::Chunked));
  auto result = decoder.feed("0\r\n\r\n");
  EXPECT_TRUE(result.done);
  EXPECT_EQ(result.error_status, 0);
}

TEST(BodyDecoder, StopsAtTheEndOfAChunkedBody) {
  std::string body = "5\r\nhello\r\nA\r\n0123456789\r\n0\r\n\r\n";
  EXPECT_EQ(decode_chunked(body + "GET / HTTP/1.1\r\n"), (Outcome{body.size(), true, 0}));
}

TEST(BodyDecoder, AcceptsValidChunkedShapes) {
  for (std::string_view body : {"0\r\n\r\n", "000\r\n\r\n", "a\r\n0123456789\r\n0\r\n\r\n",
                                "F\r\n0123456789abcde\r\n0\r\n\r\n", "0000000000000005\r\nhello\r\n0\r\n\r\n",
                                "5;name=value\r\nhello\r\n0;last\r\n\r\n", "5 ; a = \"b c\"\r\nhello\r\n0\r\n\r\n",
                                "5\t;x\r\nhello\r\n0\r\n\r\n", "0\r\nX-Trailer: yes\r\nY: \t z\r\n\r\n"}) {
    EXPECT_EQ(decode_chunked(body), (Outcome{body.size(), true, 0})) << body;
  }
}

TEST(BodyDecoder, RejectsBadChunkSizes) {
  for (std::string_view body : {"\r\n", ";x\r\n", "g\r\n", "0x5\r\nhello\r\n", "-5\r\n", "+5\r\n", " 5\r\n",
                                "5 \r\nhello\r\n", "5 x\r\n", "5\n", "5\rx", "00000000000000005\r\n",
                                "5;a\x01\r\n", "5;a\nb\r\n", "5;\x7f\r\n"}) {
    Outcome outcome = decode_chunked(body);
    EXPECT_EQ(outcome.error, 400) << body;
    EXPECT_FALSE(outcome.done);
  }
}

TEST(BodyDecoder, RequiresCrlfAfterChunkData) {
  for (std::string_view body : {"5\r\nhelloX\r\n0\r\n\r\n", "5\r\nhello\n0\r\n\r\n", "5\r\nhello\rX",
                                "5\r\nhello0\r\n\r\n"}) {
    EXPECT_EQ(decode_chunked(body).error, 400) << body;
  }
}

TEST(BodyDecoder, ChecksTheTrailerSectionFraming) {
  for (std::string_view body : {"0\r\nX: y\n\r\n", "0\r\n\n", "0\r\n\rX", "0\r\nX: a\x01\r\n\r\n",
                                "0\r\nX: a\r\r\n\r\n"}) {
    EXPECT_EQ(decode_chunked(body).error, 400) << body;
  }
}

TEST(BodyDecoder, LimitsTheChunkedTotal) {
  EXPECT_EQ(decode_chunked("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", 10).error, 0);
  EXPECT_EQ(decode_chunked("5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", 10).error, 413);
  EXPECT_EQ(decode_chunked("b\r\n").error, 0);
  EXPECT_EQ(decode_chunked("b\r\n", 10).error, 413);
  EXPECT_EQ(decode_chunked("FFFFFFFFFFFFFFFF\r\n").error, 413);
}

TEST(BodyDecoder, LimitsTheChunkSizeLine) {
  auto line_of = [](size_t length) { return "5;" + std::string(length - 2, 'e') + "\r\nhello\r\n0\r\n\r\n"; };
  std::string at = line_of(BodyDecoder::kMaxChunkLine);
  EXPECT_EQ(decode_chunked(at), (Outcome{at.size(), true, 0}));
  EXPECT_EQ(decode_chunked(line_of(BodyDecoder::kMaxChunkLine + 1)).error, 400);
  std::string spaces = "5" + std::string(BodyDecoder::kMaxChunkLine, ' ') + ";\r\nhello\r\n0\r\n\r\n";
  EXPECT_EQ(decode_chunked(spaces).error, 400);
}

TEST(BodyDecoder, LimitsTheTrailerSection) {
  // The trailer section counts every byte after "0\r\n", its final CRLF included.
  auto body_of = [](size_t trailer_bytes) {
    return "0\r\nX: " + std::string(trailer_bytes - 7, 't') + "\r\n\r\n";
  };
  std::string at = body_of(BodyDecoder::kMaxTrailerBytes);
  EXPECT_EQ(decode_chunked(at), (Outcome{at.size(), true, 0}));
  EXPECT_EQ(decode_chunked(body_of(BodyDecoder::kMaxTrailerBytes + 1)).error, 431);
}

const std::vector<std::string>& chunked_cases() {
  static const std::vector<std::string> cases = {
      "5\r\nhello\r\nA;ext=1\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\nNEXT",
      "0\r\n\r\n",
      "5\r\nhelloX\r\n",
      "5;\x01\r\n",
      "00000000000000005\r\n",
      "6\r\nhello\r\n",
      "5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n",
      "0\r\n" + std::string(BodyDecoder::kMaxTrailerBytes, 'x') + "\r\n\r\n",
  };
  return cases;
}

TEST(BodyDecoder, GivesTheSameOutcomeForEverySplit) {
  for (const std::string& body : chunked_cases()) {
    Outcome whole = decode_chunked(body, 10);
    for (size_t split = 0; split <= body.size(); ++split) {
      ASSERT_EQ(decode_chunked(body, {split, body.size()}, 10), whole) << "split " << split << " of " << body;
    }
  }
}

TEST(BodyDecoder, GivesTheSameOutcomeByteByByte) {
  for (const std::string& body : chunked_cases()) {
    std::vector<size_t> cuts;
    for (size_t end = 0; end <= body.size(); ++end) cuts.push_back(end);
    EXPECT_EQ(decode_chunked(body, cuts, 10), decode_chunked(body, 10)) << body;
  }
}

}  // namespace
}  // namespace muxd::http
