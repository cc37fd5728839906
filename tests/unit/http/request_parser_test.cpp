#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace muxd::http {
namespace {

// Everything a parse produced, as text, so that two parses compare in one EXPECT_EQ.
std::string describe(const ParseResult& result, const Request& r) {
  if (result.status == ParseResult::Incomplete) return "incomplete";
  if (result.status == ParseResult::Error) return "error " + std::to_string(result.http_status);
  std::string text = "complete " + std::string(r.method_text) + "(" +
                     std::string(method_name(r.method)) + ") target=" + std::string(r.target) +
                     " path=" + std::string(r.path) + " query=" + std::string(r.query) +
                     " minor=" + std::to_string(r.minor_version) + " host=" + std::string(r.host) +
                     " keep_alive=" + std::to_string(r.keep_alive) +
                     " body=" + std::to_string(static_cast<int>(r.body)) +
                     " length=" + std::to_string(r.content_length) + " inm=" + std::string(r.if_none_match) +
                     " ims=" + std::string(r.if_modified_since) + " range=" + std::string(r.range) +
                     " if_range=" + std::string(r.if_range) + " head=" + std::to_string(r.head_size);
  for (const Header& h : r.headers()) text += " [" + std::string(h.name) + ":" + std::string(h.value) + "]";
  return text;
}

bool inside(std::string_view view, std::string_view data) {
  return view.empty() || (view.data() >= data.data() && view.data() + view.size() <= data.data() + data.size());
}

void expect_views_inside(const Request& r, std::string_view data) {
  for (std::string_view v : {r.method_text, r.target, r.query, r.host, r.if_none_match, r.if_modified_since,
                             r.range, r.if_range}) {
    EXPECT_TRUE(inside(v, data)) << v;
  }
  if (r.path != "/" && r.path != "*") {
    EXPECT_TRUE(inside(r.path, data));
  }
  for (const Header& h : r.headers()) EXPECT_TRUE(inside(h.name, data) && inside(h.value, data));
}

struct Parsed {
  ParseResult result;
  std::unique_ptr<Request> request = std::make_unique<Request>();
  std::string text() const { return describe(result, *request); }
};

Parsed parse_whole(std::string_view data, const ParserLimits& limits = {}) {
  Parsed parsed;
  RequestParser parser(limits);
  parsed.result = parser.parse(data, *parsed.request);
  if (parsed.result.status == ParseResult::Complete) expect_views_inside(*parsed.request, data);
  return parsed;
}

int status_of(std::string_view data, const ParserLimits& limits = {}) {
  Parsed parsed = parse_whole(data, limits);
  if (parsed.result.status == ParseResult::Complete) return 200;
  if (parsed.result.status == ParseResult::Incomplete) return 0;
  return parsed.result.http_status;
}

// A request with the given extra header lines (each ending in CRLF).
std::string get_with(std::string_view headers) {
  return "GET / HTTP/1.1\r\nHost: example.com\r\n" + std::string(headers) + "\r\n";
}

constexpr std::string_view kBrowserRequest =
    "GET /docs/index.html?lang=en&q=a%20b HTTP/1.1\r\n"
    "Host: www.example.com:8080\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Connection: keep-alive\r\n"
    "If-None-Match: \"abc-123\"\r\n"
    "If-Modified-Since: Tue, 21 Nov 2023 10:00:00 GMT\r\n"
    "Range: bytes=0-99\r\n"
    "If-Range: \"abc-123\"\r\n"
    "Cache-Control: max-age=0\r\n"
    "\r\n";

// ---- valid requests -------------------------------------------------------

TEST(RequestParser, ParsesTypicalBrowserRequest) {
  Parsed p = parse_whole(kBrowserRequest);
  ASSERT_EQ(p.result.status, ParseResult::Complete);
  const Request& r = *p.request;
  EXPECT_EQ(r.method, Method::Get);
  EXPECT_EQ(r.method_text, "GET");
  EXPECT_EQ(r.target, "/docs/index.html?lang=en&q=a%20b");
  EXPECT_EQ(r.path, "/docs/index.html");
  EXPECT_EQ(r.query, "lang=en&q=a%20b");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_EQ(r.host, "www.example.com:8080");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.body, BodyFraming::None);
  EXPECT_EQ(r.if_none_match, "\"abc-123\"");
  EXPECT_EQ(r.if_modified_since, "Tue, 21 Nov 2023 10:00:00 GMT");
  EXPECT_EQ(r.range, "bytes=0-99");
  EXPECT_EQ(r.if_range, "\"abc-123\"");
  EXPECT_EQ(r.header_count, 11u);
  EXPECT_EQ(r.headers()[1].name, "User-Agent");
  EXPECT_EQ(r.header("accept-ENCODING"), "gzip, deflate, br");
  EXPECT_EQ(r.header("X-Missing"), "");
  EXPECT_EQ(r.head_size, kBrowserRequest.size());
}

TEST(RequestParser, MapsEveryMethodCaseSensitively) {
  const std::pair<const char*, Method> methods[] = {
      {"GET", Method::Get},         {"HEAD", Method::Head},       {"POST", Method::Post},
      {"PUT", Method::Put},         {"DELETE", Method::Delete},   {"OPTIONS", Method::Options},
      {"TRACE", Method::Trace},     {"PATCH", Method::Patch},     {"BREW", Method::Unknown},
      {"get", Method::Unknown},     {"GETS", Method::Unknown},    {"M-SEARCH", Method::Unknown}};
  for (const auto& [text, method] : methods) {
    std::string request = std::string(text) + " / HTTP/1.1\r\nHost: h\r\n\r\n";
    Parsed p = parse_whole(request);
    ASSERT_EQ(p.result.status, ParseResult::Complete) << text;
    EXPECT_EQ(p.request->method, method) << text;
    EXPECT_EQ(p.request->method_text, text);
    if (method != Method::Unknown) {
      EXPECT_EQ(method_name(method), text);
    }
  }
  EXPECT_EQ(method_name(Method::Connect), "CONNECT");
  EXPECT_EQ(method_name(Method::Unknown), "UNKNOWN");
}

TEST(RequestParser, SplitsOriginFormPathAndQuery) {
  Parsed p = parse_whole("GET /a/b? HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(p.request->path, "/a/b");
  EXPECT_EQ(p.request->query, "");
  p = parse_whole("GET /a?x=1?y HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(p.request->path, "/a");
  EXPECT_EQ(p.request->query, "x=1?y");
}

TEST(RequestParser, TakesHostAndPathFromAbsoluteForm) {
  Parsed p = parse_whole("GET http://example.com:8080/p/q?x=1 HTTP/1.1\r\nHost: other\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseResult::Complete);
  EXPECT_EQ(p.request->host, "example.com:8080");  // RFC 9112 §3.2.2: the target wins
  EXPECT_EQ(p.request->path, "/p/q");
  EXPECT_EQ(p.request->query, "x=1");
  p = parse_whole("GET HTTPS://[::1]:443 HTTP/1.1\r\nHost: other\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseResult::Complete);
  EXPECT_EQ(p.request->host, "[::1]:443");
  EXPECT_EQ(p.request->path, "/");
  p = parse_whole("GET http://h?q HTTP/1.1\r\nHost: h\r\n\r\n");
  EXPECT_EQ(p.request->path, "/");
  EXPECT_EQ(p.request->query, "q");
}

TEST(RequestParser, RefusesOtherTargetForms) {
  EXPECT_EQ(status_of("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET http:///p HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET http://user@h/ HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET http:/h/ HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET index.html HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

TEST(RequestParser, AcceptsAsteriskOnlyForOptions) {
  Parsed p = parse_whole("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseResult::Complete);
  EXPECT_EQ(p.request->path, "*");
  EXPECT_EQ(status_of("GET * HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

TEST(RequestParser, HandlesHttp10WithoutHost) {
  Parsed p = parse_whole("GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(p.result.status, ParseResult::Complete);
  EXPECT_EQ(p.request->minor_version, 0);
  EXPECT_FALSE(p.request->keep_alive);
  EXPECT_EQ(p.request->host, "");
}

TEST(RequestParser, DecidesKeepAliveFromVersionAndConnection) {
  auto keep_alive = [](std::string_view version, std::string_view connection) {
    std::string request = "GET / " + std::string(version) + "\r\nHost: h\r\n" + std::string(connection) + "\r\n";
    Parsed p = parse_whole(request);
    EXPECT_EQ(p.result.status, ParseResult::Complete) << request;
    return p.request->keep_alive;
  };
  EXPECT_TRUE(keep_alive("HTTP/1.1", ""));
  EXPECT_FALSE(keep_alive("HTTP/1.1", "Connection: close\r\n"));
  EXPECT_FALSE(keep_alive("HTTP/1.1", "Connection: Upgrade, CLOSE\r\n"));
  EXPECT_FALSE(keep_alive("HTTP/1.1", "Connection: upgrade\r\nconnection: close\r\n"));
  EXPECT_FALSE(keep_alive("HTTP/1.0", ""));
  EXPECT_TRUE(keep_alive("HTTP/1.0", "Connection: keep-alive\r\n"));
  EXPECT_TRUE(keep_alive("HTTP/1.0", "Connection: Keep-Alive, Upgrade\r\n"));
  EXPECT_FALSE(keep_alive("HTTP/1.0", "Connection: keep-alive, close\r\n"));
  EXPECT_TRUE(keep_alive("HTTP/1.1", "Connection: closed\r\n"));
}

// The request's views point into the parsed bytes: keep them alive as long as the request.
TEST(RequestParser, TrimsValuesAndKeepsHeaderOrder) {
  const std::string request = get_with("X-A: \t one two \t\r\nX-Empty:\r\nX-Bin: caf\xc3\xa9\r\nX-Tab: a\tb\r\n");
  Parsed p = parse_whole(request);
  ASSERT_EQ(p.result.status, ParseResult::Complete);
  auto headers = p.request->headers();
  ASSERT_EQ(headers.size(), 5u);
  EXPECT_EQ(headers[1].value, "one two");
  EXPECT_EQ(headers[2].value, "");
  EXPECT_EQ(headers[3].value, "caf\xc3\xa9");  // obs-text is allowed (RFC 9110 §5.5)
  EXPECT_EQ(headers[4].value, "a\tb");
}

TEST(RequestParser, KeepsTheFirstConditionalAndRangeValues) {
  const std::string request = get_with("if-none-match: \"a\"\r\nIf-None-Match: \"b\"\r\nRANGE: bytes=1-2\r\n"
                                        "Range: bytes=3-4\r\n");
  Parsed p = parse_whole(request);
  ASSERT_EQ(p.result.status, ParseResult::Complete);
  EXPECT_EQ(p.request->if_none_match, "\"a\"");
  EXPECT_EQ(p.request->range, "bytes=1-2");
}

TEST(RequestParser, IgnoresEmptyLinesBeforeTheRequestLine) {
  std::string request = "\r\n\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n";
  Parsed p = parse_whole(request);
  ASSERT_EQ(p.result.status, ParseResult::Complete);
  EXPECT_EQ(p.request->head_size, request.size());
  EXPECT_EQ(p.request->target, "/");
}

TEST(RequestParser, AcceptsBareLfLineEnds) {
  Parsed p = parse_whole("GET /x HTTP/1.1\nHost: h\nX: y\r\n\n");
  ASSERT_EQ(p.result.status, ParseResult::Complete);
  EXPECT_EQ(p.request->header("X"), "y");
  EXPECT_EQ(p.request->head_size, 31u);
}

TEST(RequestParser, ReportsBodyFraming) {
  Parsed p = parse_whole("POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 42\r\n\r\n");
  EXPECT_EQ(p.request->body, BodyFraming::Length);
  EXPECT_EQ(p.request->content_length, 42u);
  p = parse_whole("POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(p.request->body, BodyFraming::Length);
  EXPECT_EQ(p.request->content_length, 0u);
  p = parse_whole("POST /f HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\tChunked \r\n\r\n");
  EXPECT_EQ(p.request->body, BodyFraming::Chunked);
  p = parse_whole("POST /f HTTP/1.0\r\nContent-Length: 3\r\n\r\n");
  EXPECT_EQ(p.request->body, BodyFraming::Length);
}

TEST(RequestParser, AcceptsRepeatedIdenticalContentLength) {
  Parsed p = parse_whole(get_with("Content-Length: 7, 7\r\n"));
  EXPECT_EQ(p.request->content_length, 7u);
  p = parse_whole(get_with("Content-Length: 7\r\nContent-Length: 7\r\n"));
  EXPECT_EQ(p.request->content_length, 7u);
  p = parse_whole(get_with("Content-Length:  007 \r\n"));
  EXPECT_EQ(p.request->content_length, 7u);
}

TEST(RequestParser, ParsesPipelinedRequests) {
  std::string buffer = "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
                       "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
                       "GET /three HTTP/1.0\r\n\r\n";
  std::string_view rest = buffer;
  RequestParser parser;
  Request request;
  for (std::string_view path : {"/one", "/two", "/three"}) {
    ASSERT_EQ(parser.parse(rest, request).status, ParseResult::Complete);
    EXPECT_EQ(request.path, path);
    rest.remove_prefix(request.head_size);
    parser.reset();
  }
  EXPECT_TRUE(rest.empty());
  EXPECT_EQ(parser.parse(rest, request).status, ParseResult::Incomplete);
}

TEST(RequestParser, RepeatsTheOutcomeUntilReset) {
  std::string request = get_with("");
  RequestParser parser;
  Request out;
  EXPECT_EQ(parser.parse(request, out).status, ParseResult::Complete);
  EXPECT_EQ(parser.parse(request, out).status, ParseResult::Complete);
  EXPECT_EQ(out.head_size, request.size());
}

TEST(RequestParser, StartsOverWhenTheBufferMoves) {
  std::string full = std::string(kBrowserRequest);
  std::string first = full.substr(0, 100);
  RequestParser parser;
  Request out;
  ASSERT_EQ(parser.parse(first, out).status, ParseResult::Incomplete);
  first.clear();
  first.shrink_to_fit();
  ASSERT_EQ(parser.parse(full, out).status, ParseResult::Complete);
  expect_views_inside(out, full);
  EXPECT_EQ(describe({ParseResult::Complete, 0, nullptr}, out), parse_whole(full).text());
}

// ---- malformed requests ---------------------------------------------------

TEST(RequestParser, RejectsMalformedRequestLines) {
  for (std::string_view line : {"GET / HTTP/1.1 ", "GET  / HTTP/1.1", "GET /  HTTP/1.1", "GET /", "GET / ",
                                "GET", " GET / HTTP/1.1", "G(T / HTTP/1.1", "GET\t/ HTTP/1.1",
                                "GET / http/1.1", "GET / HTTP/1.10", "GET / HTTP/11", "GET / HTTP/1.x",
                                "GET / HTTP/a.1", "GET / HTTP/1.1x", "GET / HTTPS/1.1", "/ HTTP/1.1"}) {
    EXPECT_EQ(status_of(std::string(line) + "\r\nHost: h\r\n\r\n"), 400) << line;
  }
}

TEST(RequestParser, Answers505ToWellFormedOtherVersions) {
  for (std::string_view version : {"HTTP/2.0", "HTTP/1.2", "HTTP/3.0", "HTTP/0.9", "HTTP/9.9"}) {
    EXPECT_EQ(status_of("GET / " + std::string(version) + "\r\nHost: h\r\n\r\n"), 505) << version;
  }
}

TEST(RequestParser, RejectsControlsSpacesAndNonAsciiInTargets) {
  using namespace std::string_view_literals;
  for (std::string_view target : {"/a\x01"sv, "/a\x7f"sv, "/caf\xc3\xa9"sv, "/a\tb"sv, "/a\0b"sv, "/a\rb"sv}) {
    EXPECT_EQ(status_of("GET " + std::string(target) + " HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
  }
  EXPECT_EQ(status_of("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

TEST(RequestParser, RejectsBareCr) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\rHost: h\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\n\r\r\n"), 400);
  EXPECT_EQ(status_of("\r\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
}

TEST(RequestParser, JudgesABadLineOnlyOnceItIsComplete) {
  // Until its LF arrives a line is only measured, so that the verdict cannot
  // depend on where the input was split.
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b"), 0);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01b\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r"), 0);
}

TEST(RequestParser, RejectsMalformedHeaderLines) {
  for (std::string_view line : {"Host2 : x", "X-A\t: x", ": x", "X A: x", "NoColon", "X(: y", "X-\xff: y",
                                "X: a\x01", "X: a\x7f", "X: a\x1b[0m"}) {
    EXPECT_EQ(status_of(get_with(std::string(line) + "\r\n")), 400) << line;
  }
  EXPECT_EQ(status_of(get_with(std::string("X: a\0b\r\n", 8))), 400);
  EXPECT_EQ(status_of(get_with(std::string("X\0: b\r\n", 7))), 400);
}

TEST(RequestParser, RejectsObsoleteLineFolding) {
  EXPECT_EQ(status_of(get_with("X: a\r\n b\r\n")), 400);
  EXPECT_EQ(status_of(get_with("X: a\r\n\tb\r\n")), 400);
  // RFC 9112 §2.2: whitespace between the request line and the first field.
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\n Host: h\r\n\r\n"), 400);
}

TEST(RequestParser, RequiresExactlyOneValidHostIn11) {
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
  EXPECT_EQ(status_of("GET http://a/ HTTP/1.1\r\n\r\n"), 400);
  for (std::string_view host : {"a/b", "a b", "u@a", "a\\b", "a?b", "a#b", "\"a\""}) {
    EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n"), 400) << host;
  }
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost:\r\n\r\n"), 200);  // RFC 9110 §7.2 allows empty
  EXPECT_EQ(status_of("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n"), 200);
}

TEST(RequestParser, RejectsMalformedContentLength) {
  for (std::string_view value : {"+5", "0x5", "-1", "5 5", "", " ", ",", "5,6", "5, 6", "5;", "1e3", "5.0",
                                 "18446744073709551616", "99999999999999999999999", "\xd9\xa5"}) {
    EXPECT_EQ(status_of(get_with("Content-Length: " + std::string(value) + "\r\n")), 400) << value;
  }
  EXPECT_EQ(status_of(get_with("Content-Length: 5\r\nContent-Length: 6\r\n")), 400);
  EXPECT_EQ(status_of(get_with("Content-Length: 5\r\nContent-Length: 5, 6\r\n")), 400);
}

TEST(RequestParser, RefusesTransferCodingsOtherThanChunked) {
  for (std::string_view value : {"gzip", "gzip, chunked", "chunked, gzip", "identity", "chunked;x=1",
                                 "xchunked", "chunke", "chunked\x80"}) {
    EXPECT_EQ(status_of(get_with("Transfer-Encoding: " + std::string(value) + "\r\n")), 501) << value;
  }
}

TEST(RequestParser, RejectsSmugglingShapes) {
  const char* shapes[] = {
      "Transfer-Encoding: chunked, chunked\r\n",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
      "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
      "Transfer-Encoding : chunked\r\n",
      "Transfer-Encoding: \r\n",
      "Transfer-Encoding: ,\r\n",
      "Transfer-Encoding: chunked\r\n , identity\r\n",
      "Content-Length : 5\r\n",
      "Content-Length: 5\r\n\tContent-Length: 6\r\n",
  };
  for (const char* shape : shapes) EXPECT_EQ(status_of(get_with(shape)), 400) << shape;
  EXPECT_EQ(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  EXPECT_EQ(status_of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), 400);
}

// ---- limits ---------------------------------------------------------------

std::string request_line_of_length(size_t length) {
  std::string prefix = "GET /";
  std::string suffix = " HTTP/1.1";
  return prefix + std::string(length - prefix.size() - suffix.size(), 'a') + suffix;
}

TEST(RequestParser, LimitsTheRequestLine) {
  ParserLimits limits;
  std::string at_limit = request_line_of_length(limits.max_request_line) + "\r\nHost: h\r\n\r\n";
  std::string over = request_line_of_length(limits.max_request_line + 1) + "\r\nHost: h\r\n\r\n";
  EXPECT_EQ(status_of(at_limit), 200);
  EXPECT_EQ(status_of(over), 414);
  // Without its line end: the CR may still come, one more byte may not.
  EXPECT_EQ(status_of(request_line_of_length(limits.max_request_line) + "\r"), 0);
  EXPECT_EQ(status_of(request_line_of_length(limits.max_request_line + 1)), 0);
  EXPECT_EQ(status_of(request_line_of_length(limits.max_request_line + 2)), 414);
}

TEST(RequestParser, LimitsTheRequestLineWithCustomLimits) {
  ParserLimits limits{.max_request_line = 20, .max_head_bytes = 64};
  EXPECT_EQ(status_of(request_line_of_length(20) + "\r\nHost: h\r\n\r\n", limits), 200);
  EXPECT_EQ(status_of(request_line_of_length(21) + "\r\nHost: h\r\n\r\n", limits), 414);
  EXPECT_EQ(status_of(request_line_of_length(21) + "\n", limits), 414);
}

// A complete request whose head is exactly `size` bytes.
std::string head_of_size(size_t size) {
  std::string start = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
  std::string end = "\r\n\r\n";
  return start + std::string(size - start.size() - end.size(), 'v') + end;
}

TEST(RequestParser, LimitsTheHead) {
  ParserLimits limits;
  EXPECT_EQ(status_of(head_of_size(limits.max_head_bytes)), 200);
  EXPECT_EQ(status_of(head_of_size(limits.max_head_bytes + 1)), 431);
  std::string unfinished = head_of_size(limits.max_head_bytes + 1);
  unfinished.resize(limits.max_head_bytes);
  EXPECT_EQ(status_of(unfinished), 0);
  unfinished.push_back('v');
  EXPECT_EQ(status_of(unfinished), 431);
}

TEST(RequestParser, CountsLeadingEmptyLinesInTheHead) {
  ParserLimits limits{.max_request_line = 100, .max_head_bytes = 40};
  std::string request = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";  // 27 bytes
  EXPECT_EQ(status_of(std::string(13, '\n') + request, limits), 200);
  EXPECT_EQ(status_of(std::string(14, '\n') + request, limits), 431);
  EXPECT_EQ(status_of(std::string(41, '\n'), limits), 431);
}

std::string request_with_headers(size_t count) {
  std::string request = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (size_t i = 1; i < count; ++i) request += "X-" + std::to_string(i) + ": v\r\n";
  return request + "\r\n";
}

TEST(RequestParser, LimitsTheNumberOfHeaders) {
  ParserLimits limits;
  EXPECT_EQ(status_of(request_with_headers(limits.max_headers)), 200);
  EXPECT_EQ(status_of(request_with_headers(limits.max_headers + 1)), 431);
}

TEST(RequestParser, CapsMaxHeadersAtTheRequestStorage) {
  ParserLimits limits{.max_headers = 1000};
  EXPECT_EQ(status_of(request_with_headers(Request::kMaxHeaders), limits), 200);
  EXPECT_EQ(status_of(request_with_headers(Request::kMaxHeaders + 1), limits), 431);
}

TEST(RequestParser, LimitsTheDeclaredBody) {
  ParserLimits limits;
  std::string at = std::to_string(limits.max_body_bytes);
  std::string over = std::to_string(limits.max_body_bytes + 1);
  EXPECT_EQ(status_of(get_with("Content-Length: " + at + "\r\n")), 200);
  EXPECT_EQ(status_of(get_with("Content-Length: " + over + "\r\n")), 413);
  EXPECT_EQ(status_of(get_with("Content-Length: 18446744073709551615\r\n")), 413);
}

// ---- incremental parsing --------------------------------------------------

const std::vector<std::string>& split_cases() {
  static const std::vector<std::string> cases = {
      std::string(kBrowserRequest),
      "\r\n\r\nGET / HTTP/1.0\n\n",
      "GET http://example.com/a?b HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello",
      "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",
      "GET / HTTP/2.0\r\nHost: h\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
      "GET / HTTP/1.1\r\n\r\n",
      request_line_of_length(8193) + "\r\nHost: h\r\n\r\n",
      head_of_size(32 * 1024 + 1),
      request_with_headers(101),
  };
  return cases;
}

TEST(RequestParser, GivesTheSameResultForEverySplit) {
  for (const std::string& input : split_cases()) {
    std::string whole = parse_whole(input).text();
    for (size_t split = 0; split <= input.size(); ++split) {
      RequestParser parser;
      Request out;
      ParseResult first = parser.parse(std::string_view(input).substr(0, split), out);
      if (first.status == ParseResult::Incomplete) {
        ParseResult second = parser.parse(input, out);
        ASSERT_EQ(describe(second, out), whole) << "split at " << split << " of " << input.substr(0, 40);
      } else {
        ASSERT_EQ(describe(first, out), whole) << "split at " << split << " of " << input.substr(0, 40);
      }
    }
  }
}

TEST(RequestParser, GivesTheSameResultByteByByte) {
  for (const std::string& input : split_cases()) {
    RequestParser parser;
    Request out;
    ParseResult result{ParseResult::Incomplete, 0, nullptr};
    for (size_t end = 0; end <= input.size() && result.status == ParseResult::Incomplete; ++end) {
      result = parser.parse(std::string_view(input).substr(0, end), out);
    }
    EXPECT_EQ(describe(result, out), parse_whole(input).text()) << input.substr(0, 40);
  }
}

TEST(RequestParser, PicksTheLimitCrossedFirstWhenTwoAre) {
  // A request line over its limit that also ends past the head limit: the
  // verdict is the limit a byte-at-a-time sender would have crossed first.
  ParserLimits line_first{.max_request_line = 10, .max_head_bytes = 30};
  ParserLimits head_first{.max_request_line = 30, .max_head_bytes = 10};
  std::string input = request_line_of_length(40) + "\r\nHost: h\r\n\r\n";
  EXPECT_EQ(status_of(input, line_first), 414);
  EXPECT_EQ(status_of(input, head_first), 431);
  for (const ParserLimits& limits : {line_first, head_first}) {
    int whole = status_of(input, limits);
    for (size_t end = 0; end <= input.size(); ++end) {
      int prefix = status_of(std::string_view(input).substr(0, end), limits);
      ASSERT_TRUE(prefix == 0 || prefix == whole) << end;
    }
  }
}

}  // namespace
}  // namespace muxd::http
