#include "http/static_site.h"

#include <gtest/gtest.h>

#include "http_test_support.h"

namespace muxd::http {
namespace {

using testing::TempTree;

class StaticSiteTest : public ::testing::Test {
 protected:
  StaticSiteTest() {
    tree_.write("a.txt", "hello");
    tree_.write("dir/index.html", "<p>index</p>");
    tree_.write("empty/keep.txt", "x");
    root_ = std::make_unique<DocumentRoot>(tree_.path());
    site_ = std::make_unique<StaticSite>(*root_);
    site_->set_time(784111777, std::chrono::steady_clock::now());  // Sun, 06 Nov 1994 08:49:37 GMT
  }

  // Parses `head` (a whole request head) and answers it.
  std::string get(const std::string& head, bool keep_alive = true) {
    RequestParser parser;
    Request request;
    ParseResult result = parser.parse(head, request);
    EXPECT_EQ(result.status, ParseResult::Complete) << head;
    OutputQueue out;
    last_ = site_->respond(request, keep_alive, out);
    return out.contents();  // as a socket's peer would receive it
  }

  TempTree tree_;
  std::unique_ptr<DocumentRoot> root_;
  std::unique_ptr<StaticSite> site_;
  ResponseSummary last_{};
};

TEST_F(StaticSiteTest, ServesAFileWithItsHeaders) {
  std::string response = get("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response;
  EXPECT_NE(response.find("\r\nContent-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(response.find("\r\nContent-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(response.find("\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"), std::string::npos);
  EXPECT_NE(response.find("\r\nETag: \""), std::string::npos);
  EXPECT_NE(response.find("\r\nLast-Modified: "), std::string::npos);
  EXPECT_NE(response.find("\r\nAccept-Ranges: bytes\r\n"), std::string::npos);
  EXPECT_EQ(response.find("Connection:"), std::string::npos);
  EXPECT_EQ(response.substr(response.size() - 9), "\r\n\r\nhello");
  EXPECT_EQ(last_.status, 200);
  EXPECT_EQ(last_.body_bytes, 5u);
}

TEST_F(StaticSiteTest, HeadSendsHeadersWithoutBody) {
  std::string response = get("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(response.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(response.substr(response.size() - 4), "\r\n\r\n");
}

TEST_F(StaticSiteTest, SaysHowTheConnectionGoesOn) {
  EXPECT_NE(get("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", false).find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(get("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true).find("Connection: keep-alive\r\n"),
            std::string::npos);
}

TEST_F(StaticSiteTest, DirectoryWithSlashServesIndexAndWithoutRedirects) {
  EXPECT_NE(get("GET /dir/ HTTP/1.1\r\nHost: x\r\n\r\n").find("<p>index</p>"), std::string::npos);
  std::string redirect = get("GET /dir?q=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(redirect.rfind("HTTP/1.1 301 ", 0), 0u);
  EXPECT_NE(redirect.find("\r\nLocation: /dir/?q=1\r\n"), std::string::npos);
}

TEST_F(StaticSiteTest, DirectoryWithoutIndexIsForbidden) {
  EXPECT_EQ(get("GET /empty/ HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 403 ", 0), 0u);
}

TEST_F(StaticSiteTest, MissingFileIs404WithShortBodyOrTheSite404Page) {
  std::string plain = get("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(plain.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_EQ(plain.substr(plain.size() - 14), "404 Not Found\n");
  tree_.write("404.html", "<h1>gone</h1>");
  std::string page = get("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(page.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_NE(page.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_EQ(page.substr(page.size() - 13), "<h1>gone</h1>");
}

TEST_F(StaticSiteTest, TraversalIsNotFound) {
  for (const char* target : {"/../a.txt", "/%2e%2e/etc/passwd", "/a.txt%00", "/..%2fa.txt", "/%5c"}) {
    std::string head = std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
    EXPECT_EQ(get(head).rfind("HTTP/1.1 404 ", 0), 0u) << target;
  }
}

TEST_F(StaticSiteTest, MethodsOtherThanGetAndHead) {
  std::string options = get("OPTIONS /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(options.rfind("HTTP/1.1 200 ", 0), 0u);
  EXPECT_NE(options.find("Allow: GET, HEAD, OPTIONS\r\n"), std::string::npos);
  std::string post = get("POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(post.rfind("HTTP/1.1 405 ", 0), 0u);
  EXPECT_NE(post.find("Allow: GET, HEAD, OPTIONS\r\n"), std::string::npos);
  EXPECT_EQ(get("BREW /a.txt HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 501 ", 0), 0u);
}

TEST_F(StaticSiteTest, ConditionalRequestsGet304) {
  std::string first = get("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
  size_t at = first.find("ETag: ") + 6;
  std::string etag = first.substr(at, first.find("\r\n", at) - at);
  std::string again = get("GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + "\r\n\r\n");
  EXPECT_EQ(again.rfind("HTTP/1.1 304 ", 0), 0u);
  EXPECT_EQ(again.substr(again.size() - 4), "\r\n\r\n");
  EXPECT_EQ(again.find("Content-Length"), std::string::npos);
}

TEST_F(StaticSiteTest, RangesGive206Or416) {
  std::string partial = get("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=1-3\r\n\r\n");
  EXPECT_EQ(partial.rfind("HTTP/1.1 206 ", 0), 0u);
  EXPECT_NE(partial.find("Content-Range: bytes 1-3/5\r\n"), std::string::npos);
  EXPECT_EQ(partial.substr(partial.size() - 3), "ell");
  std::string beyond = get("GET /a.txt HTTP/1.1\r\nHost: x\r\nRange: bytes=10-\r\n\r\n");
  EXPECT_EQ(beyond.rfind("HTTP/1.1 416 ", 0), 0u);
  EXPECT_NE(beyond.find("Content-Range: bytes */5\r\n"), std::string::npos);
}

// Past the cache's in-memory size the body is a file range (sendfile);
// contents() reads it back with pread.
TEST_F(StaticSiteTest, LargeFilesAndTheirRangesGoAsFileRanges) {
  std::string big(100'000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 23);
  tree_.write("big.bin", big);
  std::string whole = get("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(whole.find("\r\nContent-Length: 100000\r\n"), std::string::npos);
  EXPECT_TRUE(whole.substr(whole.size() - big.size()) == big);
  EXPECT_EQ(last_.body_bytes, big.size());
  std::string partial = get("GET /big.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=70000-70009\r\n\r\n");
  EXPECT_EQ(partial.rfind("HTTP/1.1 206 ", 0), 0u);
  EXPECT_EQ(partial.substr(partial.size() - 14), "\r\n\r\n" + big.substr(70000, 10));
}

TEST_F(StaticSiteTest, ErrorsHaveAShortBodyAndClose) {
  OutputQueue out;
  site_->respond_error(431, out);
  std::string response = out.contents();
  EXPECT_EQ(response.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0u);
  EXPECT_NE(response.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(response.find("Content-Length: 36\r\n"), std::string::npos);
  EXPECT_EQ(response.substr(response.size() - 36), "431 Request Header Fields Too Large\n");
}

}  // namespace
}  // namespace muxd::http
