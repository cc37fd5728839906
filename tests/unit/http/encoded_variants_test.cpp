// Content coding through StaticSite: sidecars, on-the-fly bodies, validators
// per coding, ranges on identity, 406, --compress static/off.
#include "http/encoded_variants.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <zlib.h>
#include <zstd.h>

#include "http/static_site.h"
#include "http_test_support.h"

namespace muxd::http {
namespace {

using testing::TempTree;

std::string text_of(size_t size) {
  std::string text;
  for (size_t i = 0; text.size() < size; ++i) text += "function f" + std::to_string(i % 97) + "() { return 42; }\n";
  text.resize(size);
  return text;
}

std::string gunzip(const std::string& data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return "inflateInit2 failed";
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = inflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return result == Z_STREAM_END ? out : "inflate failed";
}

void set_mtime(const std::string& path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

struct Response {
  std::string head;
  std::string body;
  std::string field(const std::string& name) const {
    size_t at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "<none>";
    at += name.size() + 4;
    return head.substr(at, head.find("\r\n", at) - at);
  }
  int status() const { return std::stoi(head.substr(9, 3)); }
};

class EncodedVariantsTest : public ::testing::Test {
 protected:
  EncodedVariantsTest() : js_(text_of(20000)) {
    tree_.write("app.js", js_);
    tree_.write("small.js", "let x = 1;\n");
    tree_.write("photo.png", std::string(5000, 'p'));
    tree_.write("side.css", js_);
    tree_.write("side.css.gz", "GZIP-SIDECAR");
    tree_.write("side.css.br", "BR-SIDECAR");
    tree_.write("old.css", js_);
    tree_.write("old.css.gz", "STALE");
    set_mtime(tree_.path() + "/side.css", 1000);
    set_mtime(tree_.path() + "/side.css.gz", 1000);  // as old as the original: used
    set_mtime(tree_.path() + "/side.css.br", 2000);
    set_mtime(tree_.path() + "/old.css", 2000);
    set_mtime(tree_.path() + "/old.css.gz", 1000);  // older than the original: ignored
    root_ = std::make_unique<DocumentRoot>(tree_.path());
    make_site(CompressMode::automatic);
  }

  void make_site(CompressMode mode) {
    site_ = std::make_unique<StaticSite>(*root_, FileCache::Limits{}, SiteOptions{.allow_dotfiles = false, .compress = mode, .extras = {}});
    site_->set_time(784111777, std::chrono::steady_clock::now());
  }

  Response get(const std::string& path, const std::string& fields = "", const std::string& method = "GET") {
    std::string head = method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n";
    RequestParser parser;
    Request request;
    EXPECT_EQ(parser.parse(head, request).status, ParseResult::Complete) << head;
    OutputQueue out;
    site_->respond(request, true, out);
    std::string all = testing::drain(out);
    size_t end = all.find("\r\n\r\n");
    return {all.substr(0, end + 2), all.substr(end + 4)};
  }

  TempTree tree_;
  std::string js_;
  std::unique_ptr<DocumentRoot> root_;
  std::unique_ptr<StaticSite> site_;
};

TEST_F(EncodedVariantsTest, GzipOnTheFlyDecodesToTheFile) {
  Response r = get("/app.js", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.field("Content-Encoding"), "gzip");
  EXPECT_EQ(r.field("Vary"), "Accept-Encoding");
  EXPECT_EQ(r.field("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r.field("Content-Length"), std::to_string(r.body.size()));
  EXPECT_EQ(r.field("Accept-Ranges"), "<none>");
  EXPECT_LT(r.body.size(), js_.size() / 4);
  EXPECT_EQ(gunzip(r.body), js_);
}

TEST_F(EncodedVariantsTest, ZstdAndBrotliOnTheFly) {
  Response zstd = get("/app.js", "Accept-Encoding: zstd\r\n");
  EXPECT_EQ(zstd.field("Content-Encoding"), "zstd");
  std::string decoded(js_.size() + 100, '\0');
  size_t n = ZSTD_decompress(decoded.data(), decoded.size(), zstd.body.data(), zstd.body.size());
  ASSERT_FALSE(ZSTD_isError(n));
  decoded.resize(n);
  EXPECT_EQ(decoded, js_);
  Response br = get("/app.js", "Accept-Encoding: gzip, deflate, br, zstd\r\n");
  EXPECT_EQ(br.field("Content-Encoding"), "br");
  EXPECT_LT(br.body.size(), js_.size() / 4);  // decoded by the integration tests' brotli CLI
}

TEST_F(EncodedVariantsTest, EachCodingHasItsOwnStrongETag) {
  std::string identity = get("/app.js", "").field("ETag");
  std::string br = get("/app.js", "Accept-Encoding: br\r\n").field("ETag");
  std::string zstd = get("/app.js", "Accept-Encoding: zstd\r\n").field("ETag");
  std::string gzip = get("/app.js", "Accept-Encoding: gzip\r\n").field("ETag");
  EXPECT_EQ(br, identity.substr(0, identity.size() - 1) + "-br5\"");
  EXPECT_EQ(zstd, identity.substr(0, identity.size() - 1) + "-zst3\"");
  EXPECT_EQ(gzip, identity.substr(0, identity.size() - 1) + "-gz6\"");
  EXPECT_NE(br.rfind("W/", 0), 0u);
}

TEST_F(EncodedVariantsTest, IfNoneMatchIsPerRepresentation) {
  std::string br = get("/app.js", "Accept-Encoding: br\r\n").field("ETag");
  Response same = get("/app.js", "Accept-Encoding: br\r\nIf-None-Match: " + br + "\r\n");
  EXPECT_EQ(same.status(), 304);
  EXPECT_EQ(same.field("ETag"), br);
  EXPECT_EQ(same.field("Vary"), "Accept-Encoding");
  EXPECT_EQ(same.body, "");
  // The br ETag does not validate the gzip or identity representation.
  EXPECT_EQ(get("/app.js", "Accept-Encoding: gzip\r\nIf-None-Match: " + br + "\r\n").status(), 200);
  EXPECT_EQ(get("/app.js", "If-None-Match: " + br + "\r\n").status(), 200);
}

TEST_F(EncodedVariantsTest, HeadSaysWhatGetWouldSend) {
  Response get_response = get("/app.js", "Accept-Encoding: gzip\r\n");
  Response head = get("/app.js", "Accept-Encoding: gzip\r\n", "HEAD");
  EXPECT_EQ(head.field("Content-Length"), std::to_string(get_response.body.size()));
  EXPECT_EQ(head.field("Content-Encoding"), "gzip");
  EXPECT_EQ(head.field("ETag"), get_response.field("ETag"));
  EXPECT_EQ(head.body, "");
}

TEST_F(EncodedVariantsTest, ARangeRequestGetsIdentity) {
  Response r = get("/app.js", "Accept-Encoding: br, gzip\r\nRange: bytes=10-19\r\n");
  EXPECT_EQ(r.status(), 206);
  EXPECT_EQ(r.field("Content-Encoding"), "<none>");
  EXPECT_EQ(r.field("Vary"), "Accept-Encoding");
  EXPECT_EQ(r.body, js_.substr(10, 10));
  // Unless identity is refused: then the Range is ignored and the whole body encoded.
  Response refused = get("/app.js", "Accept-Encoding: gzip, identity;q=0\r\nRange: bytes=10-19\r\n");
  EXPECT_EQ(refused.status(), 200);
  EXPECT_EQ(refused.field("Content-Encoding"), "gzip");
}

TEST_F(EncodedVariantsTest, NotAcceptableOnlyWhenIdentityIsRefusedAndNothingElseFits) {
  Response r = get("/app.js", "Accept-Encoding: identity;q=0, deflate\r\n");
  EXPECT_EQ(r.status(), 406);
  EXPECT_EQ(r.field("Vary"), "Accept-Encoding");
  // A resource without variants ignores Accept-Encoding (§12.5.3 "SHOULD send identity"
  // is moot: identity is all there is... and 406 is a MAY).
  EXPECT_EQ(get("/photo.png", "Accept-Encoding: identity;q=0\r\n").status(), 200);
}

TEST_F(EncodedVariantsTest, NoAcceptEncodingMeansIdentityButStillVary) {
  Response r = get("/app.js");
  EXPECT_EQ(r.field("Content-Encoding"), "<none>");
  EXPECT_EQ(r.field("Vary"), "Accept-Encoding");
  EXPECT_EQ(r.body, js_);
}

TEST_F(EncodedVariantsTest, SmallFilesAndImagesAreNotCompressedNorVaried) {
  for (const char* path : {"/small.js", "/photo.png"}) {
    Response r = get(path, "Accept-Encoding: gzip, br, zstd\r\n");
    EXPECT_EQ(r.field("Content-Encoding"), "<none>") << path;
    EXPECT_EQ(r.field("Vary"), "<none>") << path;
  }
}

TEST_F(EncodedVariantsTest, SidecarsAreServedWithTheOriginalsType) {
  Response gz = get("/side.css", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(gz.body, "GZIP-SIDECAR");
  EXPECT_EQ(gz.field("Content-Encoding"), "gzip");
  EXPECT_EQ(gz.field("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(gz.field("Content-Length"), "12");
  Response br = get("/side.css", "Accept-Encoding: gzip, br\r\n");
  EXPECT_EQ(br.body, "BR-SIDECAR");
  EXPECT_NE(br.field("ETag"), gz.field("ETag"));
  EXPECT_EQ(get("/side.css", "Accept-Encoding: br\r\nIf-None-Match: " + br.field("ETag") + "\r\n").status(), 304);
  // zstd has no sidecar: compressed on the fly.
  Response zstd = get("/side.css", "Accept-Encoding: zstd\r\n");
  EXPECT_EQ(zstd.field("Content-Encoding"), "zstd");
  EXPECT_NE(zstd.body.find("function"), 0u);
}

TEST_F(EncodedVariantsTest, ASidecarOlderThanItsOriginalIsIgnored) {
  Response r = get("/old.css", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(r.field("Content-Encoding"), "gzip");
  EXPECT_EQ(gunzip(r.body), js_);  // compressed on the fly, not "STALE"
}

TEST_F(EncodedVariantsTest, StaticModeServesSidecarsOnly) {
  make_site(CompressMode::sidecars_only);
  EXPECT_EQ(get("/side.css", "Accept-Encoding: gzip\r\n").body, "GZIP-SIDECAR");
  Response plain = get("/app.js", "Accept-Encoding: gzip\r\n");
  EXPECT_EQ(plain.field("Content-Encoding"), "<none>");
  EXPECT_EQ(plain.field("Vary"), "<none>");
  EXPECT_EQ(get("/old.css", "Accept-Encoding: gzip\r\n").body, js_);
}

TEST_F(EncodedVariantsTest, OffModeIgnoresAcceptEncoding) {
  make_site(CompressMode::off);
  for (const char* path : {"/side.css", "/app.js"}) {
    Response r = get(path, "Accept-Encoding: gzip, br\r\n");
    EXPECT_EQ(r.field("Content-Encoding"), "<none>") << path;
    EXPECT_EQ(r.field("Vary"), "<none>") << path;
    EXPECT_EQ(r.body, js_) << path;
  }
}

TEST(CodedEtag, AppendsTheCodingAndLevelInsideTheQuotes) {
  char out[kEtagBufferSize + 8];
  size_t n = format_coded_etag("\"abc-12-x\"", Coding::gzip, out, sizeof(out));
  EXPECT_EQ(std::string_view(out, n), "\"abc-12-x-gz6\"");
  EXPECT_EQ(format_coded_etag("\"", Coding::br, out, sizeof(out)), 0u);
}

}  // namespace
}  // namespace muxd::http
