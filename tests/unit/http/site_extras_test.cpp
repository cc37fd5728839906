// The pieces behind --header, --cors, Cache-Control, Accept negotiation,
// --dir-listing and --spa, then StaticSite with them switched on.
#include <gtest/gtest.h>

#include <unistd.h>

#include "http/accept.h"
#include "http/cache_control.h"
#include "http/cors.h"
#include "http/dir_listing.h"
#include "http/extra_headers.h"
#include "http/site_flags.h"
#include "http/static_site.h"
#include "http_test_support.h"

namespace muxd::http {
namespace {

using testing::TempTree;

// --- --header -----------------------------------------------------------------

TEST(HeaderFlag, AcceptsATokenAndAFieldValue) {
  std::string error;
  EXPECT_EQ(parse_header_flag("X-Frame-Options: DENY", &error), "X-Frame-Options: DENY\r\n");
  EXPECT_EQ(parse_header_flag("X-A:\t spaced value \t", &error), "X-A: spaced value\r\n");
  EXPECT_EQ(parse_header_flag("X-Empty:", &error), "X-Empty: \r\n");
  EXPECT_EQ(parse_header_flag("X-Utf8: caf\xc3\xa9", &error), "X-Utf8: caf\xc3\xa9\r\n");  // obs-text
}

TEST(HeaderFlag, RefusesInjectionAndBadNames) {
  std::string error;
  for (std::string_view bad : {"X-A: b\r\nSet-Cookie: x", "X-A: b\nc", "X-A: b\rc", "X-A: del\x7f"}) {
    EXPECT_FALSE(parse_header_flag(bad, &error)) << bad;
    EXPECT_NE(error.find("control"), std::string::npos);
  }
  EXPECT_FALSE(parse_header_flag(std::string_view("X-A: nul\0byte", 14), &error));
  for (std::string_view bad : {"Bad Name: x", ": x", "X(A): x", "X\r\nA: x", "Ünï: x", "no colon"}) {
    EXPECT_FALSE(parse_header_flag(bad, &error)) << bad;
  }
  for (std::string_view framing : {"Content-Length: 1", "transfer-encoding: chunked", "Connection: close", "Date: x"}) {
    EXPECT_FALSE(parse_header_flag(framing, &error)) << framing;
  }
}

TEST(SiteFlags, ChecksEveryFlag) {
  std::string error;
  SiteFlags flags;
  flags.spa = "app.html";
  flags.headers = {"X-A: 1", "X-B: 2"};
  flags.cors = "https://app.example:8443";
  auto extras = make_site_extras(flags, &error);
  ASSERT_TRUE(extras) << error;
  EXPECT_EQ(extras->spa_path, "/app.html");
  EXPECT_EQ(extras->extra_headers, "X-A: 1\r\nX-B: 2\r\n");
  flags.spa = "../outside.html";
  EXPECT_FALSE(make_site_extras(flags, &error));
  flags.spa = "";
  flags.cache_control = "max-age=1\r\nX: y";
  EXPECT_FALSE(make_site_extras(flags, &error));
  flags.cache_control = "";
  flags.cors = "https://app.example/path";
  EXPECT_FALSE(make_site_extras(flags, &error));
}

TEST(SiteFlags, DirAndRootAreExclusive) {
  HttpConfig config;
  SiteFlags flags;
  flags.dir = "/srv/a";
  EXPECT_FALSE(apply_site_flags(flags, "/srv/b", config));
  EXPECT_TRUE(apply_site_flags(flags, "", config));
  EXPECT_EQ(config.root, "/srv/a");
  flags.dir = "";
  EXPECT_TRUE(apply_site_flags(flags, "/srv/b", config));
  EXPECT_EQ(config.root, "/srv/b");
}

// --- Cache-Control --------------------------------------------------------------

TEST(CacheControl, HtmlRevalidatesAssetsAreCachedFlagWins) {
  EXPECT_EQ(cache_control_for("text/html; charset=utf-8", ""), "no-cache");
  EXPECT_EQ(cache_control_for("text/html", ""), "no-cache");
  EXPECT_EQ(cache_control_for("text/htmlx", ""), "public, max-age=3600");
  EXPECT_EQ(cache_control_for("text/javascript; charset=utf-8", ""), "public, max-age=3600");
  EXPECT_EQ(cache_control_for("image/png", ""), "public, max-age=3600");
  EXPECT_EQ(cache_control_for("text/html", "no-store"), "no-store");
  EXPECT_EQ(cache_control_for("image/png", "no-store"), "no-store");
}

// --- Accept ----------------------------------------------------------------------

TEST(Accept, MostSpecificRangeDecides) {
  EXPECT_EQ(accept_match("", "text/html").quality, 1000);
  EXPECT_EQ(accept_match("text/*;q=0.5, text/html;q=0.2", "text/html").quality, 200);
  EXPECT_EQ(accept_match("*/*;q=0.1, text/*;q=0.3", "text/html").quality, 300);
  EXPECT_EQ(accept_match("image/png", "text/html").quality, 0);
  EXPECT_EQ(accept_match("text/html;level=1;q=0.7", "text/html").quality, 700);
  EXPECT_EQ(accept_match("text/html;q=2, */*;q=0.4", "text/html").quality, 400);  // bad q ignored
}

TEST(Accept, JsonOnlyWhenPreferred) {
  EXPECT_TRUE(prefers_json("application/json"));
  EXPECT_TRUE(prefers_json("application/json, text/html;q=0.9"));
  EXPECT_FALSE(prefers_json("text/html,application/json"));
  EXPECT_FALSE(prefers_json("*/*"));
  EXPECT_FALSE(prefers_json(""));
  EXPECT_FALSE(prefers_json("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
}

TEST(Accept, SpaNeedsTextHtmlNamed) {
  EXPECT_TRUE(accepts_html_explicitly("text/html,application/xhtml+xml,*/*;q=0.8"));
  EXPECT_FALSE(accepts_html_explicitly("*/*"));
  EXPECT_FALSE(accepts_html_explicitly("text/*"));
  EXPECT_FALSE(accepts_html_explicitly("text/html;q=0"));
  EXPECT_FALSE(accepts_html_explicitly(""));
}

// --- CORS -------------------------------------------------------------------------

TEST(Cors, WildcardAllowsEveryOriginWithoutVary) {
  CorsPolicy any("*");
  CorsDecision d = any.decide("https://x.example");
  EXPECT_EQ(d.allow_origin, "*");
  EXPECT_FALSE(d.vary_origin);
  EXPECT_EQ(any.decide("").allow_origin, "*");
}

TEST(Cors, OneOriginIsMatchedExactlyAndVaries) {
  CorsPolicy one("https://app.example");
  EXPECT_EQ(one.decide("https://app.example").allow_origin, "https://app.example");
  EXPECT_TRUE(one.decide("https://app.example").vary_origin);
  for (std::string_view other : {"https://evil.example", "https://app.example.evil", "http://app.example", "",
                                 "https://APP.example", "null"}) {
    CorsDecision d = one.decide(other);
    EXPECT_TRUE(d.allow_origin.empty()) << other;
    EXPECT_TRUE(d.vary_origin);
  }
  EXPECT_FALSE(CorsPolicy().decide("https://app.example").vary_origin);
}

TEST(Cors, PreflightEchoesOnlyATokenList) {
  CorsPolicy one("https://app.example");
  EXPECT_EQ(one.decide_preflight("https://app.example", "range, x-id").allow_headers, "range, x-id");
  EXPECT_TRUE(one.decide_preflight("https://app.example", "range\r\nx: y").allow_headers.empty());
  EXPECT_TRUE(one.decide_preflight("https://app.example", "a b").allow_headers.empty());
  EXPECT_TRUE(one.decide_preflight("https://evil.example", "range").allow_headers.empty());
}

TEST(Cors, OriginsOnTheCommandLine) {
  EXPECT_TRUE(valid_cors_origin("*"));
  EXPECT_TRUE(valid_cors_origin("https://app.example"));
  EXPECT_TRUE(valid_cors_origin("http://127.0.0.1:8080"));
  EXPECT_TRUE(valid_cors_origin("http://[::1]:8080"));
  for (std::string_view bad : {"", "app.example", "https://", "https://a/b", "https://a b", "https://a\r\n",
                               "HTTPS://a", "https://a?x"}) {
    EXPECT_FALSE(valid_cors_origin(bad)) << bad;
  }
}

// --- listings -----------------------------------------------------------------------

TEST(Listing, SortsDirectoriesFirstThenNames) {
  ListingEntries entries = {{"b.txt", 1, 0, false}, {"z", 0, 0, true}, {"A.txt", 1, 0, false},
                                       {"a", 0, 0, true}, {"a.txt", 1, 0, false}};
  sort_listing(entries);
  std::vector<std::string> names;
  for (const ListingEntry& e : entries) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "z", "A.txt", "a.txt", "b.txt"}));
}

TEST(Listing, EscapesHtmlJsonAndHrefs) {
  std::string out;
  append_html_escaped(out, "<script>\"a\"&'b'");
  EXPECT_EQ(out, "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;");
  out.clear();
  append_json_string(out, "<s>\"\\\n\x01\xff");
  EXPECT_EQ(out, "\"\\u003cs\\u003e\\\"\\\\\\u000a\\u0001\\ufffd\"");
  out.clear();
  append_href(out, "a b<&>?#%:\xc3\xa9.txt");
  EXPECT_EQ(out, "a%20b%3C%26%3E%3F%23%25%3A%C3%A9.txt");
}

TEST(Listing, HumanSizes) {
  auto human = [](uint64_t n) {
    std::string out;
    append_human_size(out, n);
    return out;
  };
  EXPECT_EQ(human(0), "0 B");
  EXPECT_EQ(human(1023), "1023 B");
  EXPECT_EQ(human(1536), "1.5 KiB");
  EXPECT_EQ(human(200 * 1024), "200 KiB");
  EXPECT_EQ(human(5ull << 30), "5.0 GiB");
}

// Drains a producer as OutputQueue would, checking each batch's size.
std::string drain(OutputProducer& producer, size_t* batches = nullptr) {
  std::string page;
  for (;;) {
    std::string batch;
    producer.produce(batch, kListingBatch);
    if (batch.empty()) return page;
    EXPECT_LE(batch.size(), kListingBatch + 4096);
    page.append(batch);
    if (batches) ++*batches;
  }
}

std::shared_ptr<ListingPage> script_page(size_t count, ListingFormat format = ListingFormat::html) {
  auto page = std::make_shared<ListingPage>();
  page->format = format;
  page->path = "/d/<x>/";
  for (size_t i = 0; i < count; ++i) page->entries.push_back({"<script>" + std::to_string(i), 10, 0, false});
  return page;
}

TEST(Listing, RendersInBatches) {
  ListingProducer producer(script_page(3000));
  size_t batches = 0;
  std::string page = drain(producer, &batches);
  EXPECT_GT(batches, 3u);
  EXPECT_EQ(producer.rendered(), page.size());
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_NE(page.find("<title>Index of /d/&lt;x&gt;/</title>"), std::string::npos);
  EXPECT_NE(page.find("href=\"./%3Cscript%3E42\""), std::string::npos);
  EXPECT_NE(page.find("href=\"../\""), std::string::npos);
  EXPECT_NE(page.find("3000 entries"), std::string::npos);
}

TEST(Listing, RendersTheSamePageWhateverTheBatches) {
  for (ListingFormat format : {ListingFormat::html, ListingFormat::json}) {
    auto page = script_page(500, format);
    std::string whole;
    ListingRenderer renderer(format, page->path);
    renderer.begin(whole);
    for (const ListingEntry& entry : page->entries) renderer.entry(whole, entry);
    renderer.end(whole, 0);
    ListingProducer producer(page);
    std::string first;
    producer.produce(first, 100);  // a small batch, then a clone goes on from there
    EXPECT_LT(first.size(), whole.size());
    std::unique_ptr<OutputProducer> rest = producer.clone();
    EXPECT_EQ(first + drain(*rest), whole);
    EXPECT_EQ(first + drain(producer), whole);  // the clone left the original where it was
  }
}

TEST(Listing, BuildsFromADirectoryHidingDotfiles) {
  TempTree tree;
  tree.write("b.txt", "bb");
  tree.write("sub/x", "");
  tree.write(".secret", "s");
  DocumentRoot root(tree.path());
  auto built = build_listing(root, "/", ListingFormat::json, false);
  ASSERT_TRUE(std::holds_alternative<ListingBody>(built));
  ListingBody& body = std::get<ListingBody>(built);
  EXPECT_EQ(body.producer->rendered(), 0u);  // counted, not made yet
  std::string json = drain(*body.producer);
  EXPECT_EQ(json.size(), body.size);
  EXPECT_LT(json.find("\"sub\""), json.find("\"b.txt\""));
  EXPECT_NE(json.find("\"size\":2"), std::string::npos);
  EXPECT_EQ(json.find("secret"), std::string::npos);
  auto with_dots = build_listing(root, "/", ListingFormat::json, true);
  EXPECT_GT(std::get<ListingBody>(with_dots).size, body.size);
  EXPECT_EQ(std::get<int>(build_listing(root, "/nope/", ListingFormat::html, false)), ENOENT);
}

// --- the site with the extras on ------------------------------------------------------

class SiteExtrasTest : public ::testing::Test {
 protected:
  SiteExtrasTest() {
    tree_.write("index.html", "<p>app</p>");
    tree_.write("app.js", "js");
    tree_.write("files/a.txt", "a");
    tree_.write(".env", "secret");
    root_ = std::make_unique<DocumentRoot>(tree_.path());
  }

  void make_site(SiteExtras extras) {
    site_ = std::make_unique<StaticSite>(*root_, FileCache::Limits{}, SiteOptions{.allow_dotfiles = false, .compress = CompressMode::automatic, .extras = std::move(extras)});
    site_->set_time(784111777, std::chrono::steady_clock::now());
  }

  std::string ask(const std::string& head) {
    RequestParser parser;
    Request request;
    EXPECT_EQ(parser.parse(head, request).status, ParseResult::Complete) << head;
    OutputQueue out;
    last_ = site_->respond(request, true, out);
    return out.contents();
  }

  TempTree tree_;
  std::unique_ptr<DocumentRoot> root_;
  std::unique_ptr<StaticSite> site_;
  ResponseSummary last_{};
};

TEST_F(SiteExtrasTest, CacheControlPerTypeAndExtraHeaders) {
  SiteExtras extras;
  extras.extra_headers = "X-A: 1\r\n";
  make_site(extras);
  std::string html = ask("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(html.find("Cache-Control: no-cache\r\n"), std::string::npos);
  EXPECT_NE(html.find("X-A: 1\r\n"), std::string::npos);
  EXPECT_NE(ask("GET /app.js HTTP/1.1\r\nHost: x\r\n\r\n").find("Cache-Control: public, max-age=3600\r\n"),
            std::string::npos);
  std::string missing = ask("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(missing.find("Cache-Control"), std::string::npos);
  EXPECT_NE(missing.find("X-A: 1\r\n"), std::string::npos);
}

TEST_F(SiteExtrasTest, ListingOnlyWhenAskedFor) {
  make_site({});
  ask("GET /files/ HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(last_.status, 403);
  SiteExtras extras;
  extras.dir_listing = true;
  make_site(extras);
  std::string page = ask("GET /files/ HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(last_.status, 200);
  EXPECT_NE(page.find("Content-Security-Policy: default-src 'none'"), std::string::npos);
  EXPECT_NE(page.find("href=\"./a.txt\""), std::string::npos);
  ask("GET /files HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(last_.status, 301);
  ask("GET /nodir/ HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(last_.status, 404);
}

TEST_F(SiteExtrasTest, SpaFallbackRule) {
  SiteExtras extras;
  extras.spa_path = "/index.html";
  make_site(extras);
  const std::string html = "\r\nAccept: text/html,*/*;q=0.8\r\nHost: x\r\n\r\n";
  std::string app = ask("GET /users/42 HTTP/1.1" + html);
  EXPECT_EQ(last_.status, 200);
  EXPECT_NE(app.find("<p>app</p>"), std::string::npos);
  ask("GET /users/42 HTTP/1.1\r\nAccept: */*\r\nHost: x\r\n\r\n");
  EXPECT_EQ(last_.status, 404);
  ask("GET /missing.js HTTP/1.1" + html);
  EXPECT_EQ(last_.status, 404);
  ask("GET /.git/config HTTP/1.1" + html);
  EXPECT_EQ(last_.status, 404);
  ask("GET /../../etc/passwd HTTP/1.1" + html);
  EXPECT_EQ(last_.status, 404);
  ask("GET /v1.2/page HTTP/1.1" + html);
  EXPECT_EQ(last_.status, 200);
}

TEST_F(SiteExtrasTest, CorsPreflightAndResponses) {
  SiteExtras extras;
  extras.cors_origin = "https://app.example";
  make_site(extras);
  std::string pre = ask("OPTIONS /app.js HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n"
                        "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: range\r\n\r\n");
  EXPECT_EQ(last_.status, 204);
  EXPECT_EQ(pre.rfind("HTTP/1.1 204 No Content\r\n", 0), 0u);
  EXPECT_NE(pre.find("Access-Control-Allow-Origin: https://app.example\r\n"), std::string::npos);
  EXPECT_NE(pre.find("Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n"), std::string::npos);
  EXPECT_NE(pre.find("Access-Control-Allow-Headers: range\r\n"), std::string::npos);
  EXPECT_NE(pre.find("Access-Control-Max-Age: 7200\r\n"), std::string::npos);
  EXPECT_NE(pre.find("Vary: Origin\r\n"), std::string::npos);
  std::string plain = ask("OPTIONS /app.js HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(last_.status, 200);
  EXPECT_NE(plain.find("Allow: GET"), std::string::npos);
  std::string other = ask("GET /app.js HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n\r\n");
  EXPECT_EQ(other.find("Access-Control-Allow-Origin"), std::string::npos);
  EXPECT_NE(other.find("Vary: Origin\r\n"), std::string::npos);
}

}  // namespace
}  // namespace muxd::http
