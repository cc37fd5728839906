// Request-head parsing cost: the server's hot path per request.
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>

#include "http/body_decoder.h"
#include "http/request_parser.h"

namespace {

using muxd::http::BodyDecoder;
using muxd::http::ParseResult;
using muxd::http::Request;
using muxd::http::RequestParser;

// What a current desktop browser sends for a page: ~540 bytes, a dozen fields.
constexpr std::string_view kBrowserRequest =
    "GET /docs/guide/index.html?lang=en HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "Connection: keep-alive\r\n"
    "Cache-Control: max-age=0\r\n"
    "sec-ch-ua: \"Chromium\";v=\"120\", \"Not?A_Brand\";v=\"8\"\r\n"
    "Upgrade-Insecure-Requests: 1\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "If-None-Match: \"1a2b3c-4d5e-6f\"\r\n"
    "\r\n";

constexpr std::string_view kMinimalRequest = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";

void parse_repeatedly(benchmark::State& state, std::string_view input) {
  RequestParser parser;
  Request request;
  for (auto _ : state) {
    parser.reset();
    ParseResult result = parser.parse(input, request);
    benchmark::DoNotOptimize(result);
    benchmark::DoNotOptimize(request.head_size);
    if (result.status != ParseResult::Complete) state.SkipWithError("request did not parse");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * input.size()));
  state.counters["bytes"] = static_cast<double>(input.size());
}

void BM_TypicalBrowserRequest(benchmark::State& state) { parse_repeatedly(state, kBrowserRequest); }
BENCHMARK(BM_TypicalBrowserRequest);

void BM_MinimalRequest(benchmark::State& state) { parse_repeatedly(state, kMinimalRequest); }
BENCHMARK(BM_MinimalRequest);

// The same browser request arriving in segments of state.range(0) bytes.
void BM_BrowserRequestInSegments(benchmark::State& state) {
  const auto segment = static_cast<size_t>(state.range(0));
  RequestParser parser;
  Request request;
  for (auto _ : state) {
    parser.reset();
    ParseResult result{ParseResult::Incomplete, 0, nullptr};
    for (size_t end = segment; result.status == ParseResult::Incomplete; end += segment) {
      result = parser.parse(kBrowserRequest.substr(0, end), request);
    }
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBrowserRequest.size()));
}
BENCHMARK(BM_BrowserRequestInSegments)->Arg(1)->Arg(64);

// Skipping a 64 KiB chunked upload made of 4 KiB chunks.
void BM_ChunkedBody(benchmark::State& state) {
  std::string body;
  for (int i = 0; i < 16; ++i) body += "1000\r\n" + std::string(4096, 'x') + "\r\n";
  body += "0\r\n\r\n";
  Request request;
  request.body = muxd::http::BodyFraming::Chunked;
  BodyDecoder decoder(1 << 20);
  for (auto _ : state) {
    decoder.start(request);
    auto result = decoder.feed(body);
    benchmark::DoNotOptimize(result);
    if (!result.done) state.SkipWithError("body did not end");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ChunkedBody);

}  // namespace

BENCHMARK_MAIN();
