// One Vary line per response (vary.h, RFC 9110 §12.5.5), whatever mix of
// --dir-listing / --spa (Accept), compression (Accept-Encoding), --cors with
// one origin (Origin) and --header 'Vary: ...' chose it.
#include "http/vary.h"

#include <gtest/gtest.h>
#include <strings.h>

#include "http/site_flags.h"
#include "http/static_site.h"
#include "http_test_support.h"

namespace muxd::http {
namespace {

using testing::TempTree;

std::string written(VaryFields vary, std::string_view operator_fields = {}) {
  Buffer buffer;
  HeaderWriter head(buffer, kVaryRoom + operator_fields.size());
  write_vary(head, vary, operator_fields);
  head.done();
  return std::string(buffer.readable());
}

TEST(VaryFields, OneLineInAFixedOrder) {
  EXPECT_EQ(written({}), "");
  EXPECT_EQ(written(VaryFields::accept), "Vary: Accept\r\n");
  EXPECT_EQ(written(VaryFields::origin), "Vary: Origin\r\n");
  VaryFields all = VaryFields::origin;
  all.add(VaryFields::accept_encoding).add(VaryFields::accept).add(VaryFields::origin);
  EXPECT_EQ(written(all), "Vary: Accept, Accept-Encoding, Origin\r\n");
  EXPECT_LE(written(all).size(), kVaryRoom);
  VaryFields two = VaryFields::accept_encoding;
  EXPECT_EQ(written(two.add(VaryFields::origin)), "Vary: Accept-Encoding, Origin\r\n");
}

TEST(VaryFields, OperatorFieldsJoinTheLine) {
  EXPECT_EQ(written({}, "Cookie"), "Vary: Cookie\r\n");
  EXPECT_EQ(written(VaryFields::accept, "Cookie, User-Agent"), "Vary: Accept, Cookie, User-Agent\r\n");
}

TEST(VaryFields, HeaderFlagVaryIsMergedNotRepeated) {
  SiteFlags flags;
  flags.headers = {"X-A: 1", "vary: Cookie", "VARY:", "Vary:  User-Agent "};
  std::string error;
  auto extras = make_site_extras(flags, &error);
  ASSERT_TRUE(extras) << error;
  EXPECT_EQ(extras->extra_headers, "X-A: 1\r\n");
  EXPECT_EQ(extras->vary, "Cookie, User-Agent");
}

// Every Vary field line of a response head, whatever its case.
std::vector<std::string> vary_lines(const std::string& head) {
  std::vector<std::string> lines;
  for (size_t at = head.find("\r\n"); at != std::string::npos && at + 2 < head.size();) {
    size_t end = head.find("\r\n", at + 2);
    std::string line = head.substr(at + 2, end - at - 2);
    if (strncasecmp(line.c_str(), "vary:", 5) == 0) lines.push_back(line);
    at = end;
  }
  return lines;
}

class VaryTest : public ::testing::Test {
 protected:
  VaryTest() {
    std::string page = "<!doctype html><title>app</title>\n";
    while (page.size() < 4000) page += "<p>a compressible single-page app</p>\n";
    tree_.write("index.html", page);  // large enough to be compressed on the fly
    tree_.write("files/a.txt", "a");
    root_ = std::make_unique<DocumentRoot>(tree_.path());
  }

  void make_site(const SiteFlags& flags) {
    std::string error;
    auto extras = make_site_extras(flags, &error);
    ASSERT_TRUE(extras) << error;
    site_ = std::make_unique<StaticSite>(
        *root_, FileCache::Limits{},
        SiteOptions{.allow_dotfiles = false, .compress = CompressMode::automatic, .extras = std::move(*extras)});
    site_->set_time(784111777, std::chrono::steady_clock::now());
  }

  // The head of the response to `request_line` with `fields`.
  std::string head(const std::string& request_line, const std::string& fields) {
    std::string text = request_line + "\r\nHost: x\r\n" + fields + "\r\n";
    RequestParser parser;
    Request request;
    EXPECT_EQ(parser.parse(text, request).status, ParseResult::Complete) << text;
    OutputQueue out;
    status_ = site_->respond(request, true, out).status;
    std::string all = testing::drain(out);
    return all.substr(0, all.find("\r\n\r\n") + 2);
  }

  // The one Vary line's value; fails the test if there are several.
  std::string vary(const std::string& request_line, const std::string& fields) {
    std::vector<std::string> lines = vary_lines(head(request_line, fields));
    EXPECT_LE(lines.size(), 1u) << request_line << " " << fields;
    return lines.empty() ? "<none>" : lines.front().substr(6);
  }

  TempTree tree_;
  std::unique_ptr<DocumentRoot> root_;
  std::unique_ptr<StaticSite> site_;
  int status_ = 0;
};

const std::string kOrigin = "Origin: https://app.example\r\n";
const std::string kHtml = "Accept: text/html\r\n";
const std::string kGzip = "Accept-Encoding: gzip\r\n";

TEST_F(VaryTest, SpaWithCompressionAndCors) {
  SiteFlags flags;
  flags.spa = "index.html";
  flags.cors = "https://app.example";
  make_site(flags);
  EXPECT_EQ(vary("GET /users/42 HTTP/1.1", kHtml + kGzip + kOrigin), "Accept, Accept-Encoding, Origin");
  EXPECT_EQ(status_, 200);
  EXPECT_EQ(vary("HEAD /users/42 HTTP/1.1", kHtml + kGzip), "Accept, Accept-Encoding, Origin");
  EXPECT_EQ(vary("GET /users/42 HTTP/1.1", "Accept: */*\r\n" + kGzip + kOrigin), "Accept, Origin");
  EXPECT_EQ(status_, 404);
  std::string etag_line = head("GET /users/42 HTTP/1.1", kHtml + kGzip);
  size_t at = etag_line.find("ETag: ");
  ASSERT_NE(at, std::string::npos);
  std::string etag = etag_line.substr(at + 6, etag_line.find("\r\n", at) - at - 6);
  EXPECT_EQ(vary("GET /users/42 HTTP/1.1", kHtml + kGzip + "If-None-Match: " + etag + "\r\n"),
            "Accept, Accept-Encoding, Origin");
  EXPECT_EQ(status_, 304);
  EXPECT_EQ(vary("GET /users/42 HTTP/1.1", kHtml + "Accept-Encoding: identity;q=0\r\n"),
            "Accept, Accept-Encoding, Origin");
  EXPECT_EQ(status_, 406);
}

TEST_F(VaryTest, SpaWithCompressionOnly) {
  SiteFlags flags;
  flags.spa = "index.html";
  make_site(flags);
  EXPECT_EQ(vary("GET /users/42 HTTP/1.1", kHtml + kGzip), "Accept, Accept-Encoding");
  EXPECT_EQ(vary("GET /index.html HTTP/1.1", kHtml + kGzip), "Accept-Encoding");  // an existing file
  EXPECT_EQ(vary("GET /files/a.txt HTTP/1.1", kHtml), "<none>");                  // too small to compress
}

TEST_F(VaryTest, ListingWithCors) {
  SiteFlags flags;
  flags.dir_listing = true;
  flags.cors = "https://app.example";
  make_site(flags);
  EXPECT_EQ(vary("GET /files/ HTTP/1.1", "Accept: application/json\r\n" + kOrigin), "Accept, Origin");
  EXPECT_EQ(status_, 200);
  EXPECT_EQ(vary("GET /files/ HTTP/1.1", kHtml), "Accept, Origin");
  EXPECT_EQ(vary("GET /index.html HTTP/1.1", kGzip + kOrigin), "Accept-Encoding, Origin");
  EXPECT_EQ(vary("GET /missing HTTP/1.1", kOrigin), "Origin");
}

TEST_F(VaryTest, WildcardCorsAddsNothingHeaderFlagJoins) {
  SiteFlags flags;
  flags.dir_listing = true;
  flags.cors = "*";
  flags.headers = {"Vary: Cookie"};
  make_site(flags);
  EXPECT_EQ(vary("GET /files/ HTTP/1.1", kHtml), "Accept, Cookie");
  EXPECT_EQ(vary("GET /index.html HTTP/1.1", kGzip), "Accept-Encoding, Cookie");
  EXPECT_EQ(vary("GET /missing HTTP/1.1", ""), "Cookie");
  EXPECT_EQ(vary("OPTIONS / HTTP/1.1", ""), "Cookie");
}

}  // namespace
}  // namespace muxd::http
