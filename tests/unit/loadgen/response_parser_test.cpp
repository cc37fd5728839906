#include "loadgen/response_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace muxd::loadgen {
namespace {

using Result = ResponseParser::Result;

struct Parsed {
  std::vector<Response> responses;
  bool error = false;
  std::string why;
  size_t left = 0;  // bytes never consumed
};

// Feeds `bytes` in pieces of `step` the way a connection does: what the
// parser leaves unconsumed comes back in front of the next piece.
Parsed feed(ResponseParser& parser, std::string_view bytes, size_t step = 0, bool eof = false) {
  Parsed out;
  std::string pending;
  size_t offset = 0;
  if (step == 0) step = bytes.size() ? bytes.size() : 1;
  while (offset < bytes.size() && !out.error) {
    pending += bytes.substr(offset, step);
    offset += step;
    size_t used_total = 0;
    while (used_total < pending.size()) {
      size_t used = 0;
      Result result = parser.parse(std::string_view(pending).substr(used_total), &used);
      used_total += used;
      if (result == Result::response) {
        out.responses.push_back(parser.response());
      } else if (result == Result::error) {
        out.error = true;
        out.why = parser.error();
        break;
      } else {
        break;
      }
    }
    pending.erase(0, used_total);
  }
  if (eof && !out.error) {
    Result result = parser.finish();
    if (result == Result::response) out.responses.push_back(parser.response());
    if (result == Result::error) out.error = true, out.why = parser.error();
  }
  out.left = pending.size();
  return out;
}

Parsed feed(std::string_view bytes, size_t step = 0, bool eof = false) {
  ResponseParser parser;
  return feed(parser, bytes, step, eof);
}

constexpr std::string_view kTwoResponses =
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello"
    "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n";

TEST(ResponseParser, ContentLengthAndChunkedResponsesBackToBack) {
  Parsed parsed = feed(kTwoResponses);
  ASSERT_FALSE(parsed.error) << parsed.why;
  ASSERT_EQ(parsed.responses.size(), 2u);
  EXPECT_EQ(parsed.responses[0].status, 200);
  EXPECT_EQ(parsed.responses[0].body_bytes, 5u);
  EXPECT_TRUE(parsed.responses[0].keep_alive);
  EXPECT_EQ(parsed.responses[1].status, 404);
  EXPECT_EQ(parsed.responses[1].body_bytes, 5u);
  EXPECT_EQ(parsed.left, 0u);
}

TEST(ResponseParser, SplitAtEveryByteGivesTheSameResponses) {
  for (size_t step = 1; step <= kTwoResponses.size(); ++step) {
    Parsed parsed = feed(kTwoResponses, step);
    ASSERT_FALSE(parsed.error) << "step " << step << ": " << parsed.why;
    ASSERT_EQ(parsed.responses.size(), 2u) << "step " << step;
    EXPECT_EQ(parsed.responses[1].body_bytes, 5u) << "step " << step;
  }
}

TEST(ResponseParser, AnUnfinishedHeadIsLeftWithTheCaller) {
  ResponseParser parser;
  size_t used = 99;
  EXPECT_EQ(parser.parse("HTTP/1.1 200 OK\r\nContent-Le", &used), Result::need_more);
  EXPECT_EQ(used, 0u);
  EXPECT_TRUE(parser.in_progress());
}

TEST(ResponseParser, PersistenceFollowsVersionAndConnection) {
  EXPECT_FALSE(feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").responses.at(0).keep_alive);
  EXPECT_FALSE(feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").responses.at(0).keep_alive);
  EXPECT_TRUE(feed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n").responses.at(0).keep_alive);
  EXPECT_TRUE(feed("HTTP/1.1 200 OK\r\nConnection: upgrade, x\r\nContent-Length: 0\r\n\r\n").responses.at(0).keep_alive);
}

TEST(ResponseParser, NoBodyFor204And304AndInterimResponsesAreSkipped) {
  Parsed parsed = feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
                       "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n");
  ASSERT_FALSE(parsed.error) << parsed.why;
  ASSERT_EQ(parsed.responses.size(), 2u);
  EXPECT_EQ(parsed.responses[0].status, 204);
  EXPECT_EQ(parsed.responses[1].status, 304);
  EXPECT_EQ(parsed.responses[1].body_bytes, 0u);
}

TEST(ResponseParser, WithoutALengthTheBodyRunsUntilTheClose) {
  ResponseParser parser;
  Parsed parsed = feed(parser, "HTTP/1.1 200 OK\r\n\r\nsome bytes", 0, /*eof=*/true);
  ASSERT_EQ(parsed.responses.size(), 1u);
  EXPECT_EQ(parsed.responses[0].body_bytes, 10u);
  EXPECT_FALSE(parsed.responses[0].keep_alive);
  // A final coding other than chunked: the same (RFC 9112 §6.3).
  parsed = feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nabcdef", 0, true);
  ASSERT_EQ(parsed.responses.size(), 1u);
  EXPECT_EQ(parsed.responses[0].body_bytes, 6u);
}

TEST(ResponseParser, EndOfStreamMidResponseIsAnError) {
  EXPECT_TRUE(feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", 0, true).error);
  EXPECT_TRUE(feed("HTTP/1.1 200 OK\r\nContent-Le", 0, true).error);
  EXPECT_TRUE(feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", 0, true).error);
  ResponseParser idle;
  EXPECT_EQ(idle.finish(), Result::need_more);  // nothing under way: a clean close
}

TEST(ResponseParser, ChunkedWinsOverContentLength) {
  Parsed parsed = feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "1\r\nx\r\n0\r\n\r\n");
  ASSERT_EQ(parsed.responses.size(), 1u);
  EXPECT_EQ(parsed.responses[0].body_bytes, 1u);
}

TEST(ResponseParser, BareLineFeedsAreAccepted) {
  Parsed parsed = feed("HTTP/1.1 200 OK\nContent-Length: 2\n\nok"
                       "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n");
  ASSERT_FALSE(parsed.error) << parsed.why;
  EXPECT_EQ(parsed.responses.size(), 2u);
}

TEST(ResponseParser, GarbageIsAnError) {
  const char* garbage[] = {
      "hello\r\n\r\n",
      "SSH-2.0-OpenSSH_9.2\r\n\r\n",
      "HTTP/2 200\r\n\r\n",
      "HTTP/1.1 20 OK\r\n\r\n",
      "HTTP/1.1 2000 OK\r\n\r\n",
      "HTTP/1.1 099 Low\r\n\r\n",
      "HTTP/1.1 600 High\r\n\r\n",
      "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
      "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
      "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n",
      "HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
      "\r\nHTTP/1.1 200 OK\r\n\r\n",
  };
  for (const char* bytes : garbage) {
    Parsed parsed = feed(bytes);
    EXPECT_TRUE(parsed.error) << bytes;
    EXPECT_FALSE(parsed.why.empty()) << bytes;
  }
}

TEST(ResponseParser, IdenticalContentLengthsAreOneValue) {
  Parsed parsed = feed("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok");
  ASSERT_FALSE(parsed.error) << parsed.why;
  EXPECT_EQ(parsed.responses.at(0).body_bytes, 2u);
}

TEST(ResponseParser, HeadSizeLimit) {
  ResponseLimits limits;
  limits.max_head_bytes = 100;
  std::string head = "HTTP/1.1 200 OK\r\nX: " + std::string(55, 'a') + "\r\nContent-Length: 0\r\n\r\n";  // 98 bytes
  ResponseParser fits(limits);
  EXPECT_EQ(feed(fits, head + "HTTP/1.1 200 OK\r\n").responses.size(), 1u);
  std::string big = "HTTP/1.1 200 OK\r\nX: " + std::string(80, 'a') + "\r\n\r\n";
  for (size_t step : {size_t{1}, size_t{7}, big.size()}) {
    ResponseParser parser(limits);
    Parsed parsed = feed(parser, big, step);
    EXPECT_TRUE(parsed.error) << step;
    EXPECT_NE(parsed.why.find("larger than 100"), std::string::npos) << parsed.why;
  }
  // A head that never ends fails once it passes the limit, not at the end of time.
  ResponseParser endless(limits);
  EXPECT_TRUE(feed(endless, "HTTP/1.1 200 OK\r\n" + std::string(200, 'x'), 10).error);
}

TEST(ResponseParser, HeaderCountLimit) {
  ResponseLimits limits;
  limits.max_headers = 3;
  std::string three = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n";
  std::string four = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\nContent-Length: 0\r\n\r\n";
  ResponseParser ok(limits), refused(limits);
  EXPECT_EQ(feed(ok, three).responses.size(), 1u);
  Parsed parsed = feed(refused, four);
  EXPECT_TRUE(parsed.error);
  EXPECT_NE(parsed.why.find("more than 3 header fields"), std::string::npos) << parsed.why;
}

TEST(ResponseParser, ChunkLineAndTrailerLimits) {
  ResponseLimits limits;
  limits.max_chunk_line = 16;
  limits.max_head_bytes = 64;
  ResponseParser long_line(limits), long_trailers(limits);
  EXPECT_TRUE(feed(long_line, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(40, 'e')).error);
  // The same verdict when the whole line, LF included, arrives at once (found by the fuzzer).
  ResponseParser whole_line(limits);
  EXPECT_TRUE(
      feed(whole_line, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(40, 'e') + "\r\nx\r\n")
          .error);
  std::string trailers = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  for (int i = 0; i < 10; ++i) trailers += "X-Trailer: 123456789\r\n";
  EXPECT_TRUE(feed(long_trailers, trailers).error);
}

TEST(ResponseParser, BodyBytesAreCountedNotKept) {
  std::string body(1 << 20, 'b');
  Parsed parsed = feed("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n" + body, 4096);
  ASSERT_EQ(parsed.responses.size(), 1u);
  EXPECT_EQ(parsed.responses[0].body_bytes, body.size());
  EXPECT_EQ(parsed.left, 0u);
}

}  // namespace
}  // namespace muxd::loadgen
