#include "http/mime.h"

#include <gtest/gtest.h>

namespace muxd::http {
namespace {

TEST(Mime, TextTypesDeclareUtf8) {
  EXPECT_EQ(mime_type_for("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type_for("/a.htm"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type_for("/style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(mime_type_for("/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type_for("/mod.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type_for("/data.json"), "application/json; charset=utf-8");
  EXPECT_EQ(mime_type_for("/notes.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(mime_type_for("/feed.xml"), "application/xml; charset=utf-8");
  EXPECT_EQ(mime_type_for("/logo.svg"), "image/svg+xml; charset=utf-8");
  EXPECT_EQ(mime_type_for("/t.csv"), "text/csv; charset=utf-8");
  EXPECT_EQ(mime_type_for("/README.md"), "text/markdown; charset=utf-8");
}

TEST(Mime, BinaryTypesHaveNoCharset) {
  EXPECT_EQ(mime_type_for("/logo.png"), "image/png");
  EXPECT_EQ(mime_type_for("/p.jpg"), "image/jpeg");
  EXPECT_EQ(mime_type_for("/p.jpeg"), "image/jpeg");
  EXPECT_EQ(mime_type_for("/a.gif"), "image/gif");
  EXPECT_EQ(mime_type_for("/a.webp"), "image/webp");
  EXPECT_EQ(mime_type_for("/a.avif"), "image/avif");
  EXPECT_EQ(mime_type_for("/favicon.ico"), "image/x-icon");
  EXPECT_EQ(mime_type_for("/m.wasm"), "application/wasm");
  EXPECT_EQ(mime_type_for("/doc.pdf"), "application/pdf");
  EXPECT_EQ(mime_type_for("/v.mp4"), "video/mp4");
  EXPECT_EQ(mime_type_for("/v.webm"), "video/webm");
  EXPECT_EQ(mime_type_for("/s.mp3"), "audio/mpeg");
  EXPECT_EQ(mime_type_for("/s.ogg"), "audio/ogg");
  EXPECT_EQ(mime_type_for("/s.wav"), "audio/wav");
  EXPECT_EQ(mime_type_for("/f.woff"), "font/woff");
  EXPECT_EQ(mime_type_for("/f.woff2"), "font/woff2");
  EXPECT_EQ(mime_type_for("/f.ttf"), "font/ttf");
  EXPECT_EQ(mime_type_for("/f.otf"), "font/otf");
  EXPECT_EQ(mime_type_for("/a.zip"), "application/zip");
  EXPECT_EQ(mime_type_for("/a.tar"), "application/x-tar");
}

TEST(Mime, ExtensionIsCaseInsensitive) {
  EXPECT_EQ(mime_type_for("/INDEX.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type_for("/Photo.JpG"), "image/jpeg");
  EXPECT_EQ(mime_type_for("/app.WebManifest"), "application/manifest+json; charset=utf-8");
}

TEST(Mime, OnlyTheLastExtensionOfTheLastSegmentCounts) {
  EXPECT_EQ(mime_type_for("/a.tar.gz"), "application/gzip");
  EXPECT_EQ(mime_type_for("/dir.html/file"), "application/octet-stream");
  EXPECT_EQ(mime_type_for("/v1.2/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(mime_type_for("index.html"), "text/html; charset=utf-8");  // no slash at all
}

TEST(Mime, UnknownsAreOctetStream) {
  for (const char* path : {"/", "/Makefile", "/.env", "/.html", "/sub/.htaccess", "/a.", "/a.exe",
                           "/a.unknown", "/a.htmlx", "/a.webmanifestx", "/a.html/", ""}) {
    EXPECT_EQ(mime_type_for(path), kDefaultMimeType) << path;
  }
}

TEST(Mime, OverlongExtensionIsBounded) {
  EXPECT_EQ(mime_type_for("/a." + std::string(10000, 'h')), kDefaultMimeType);
}

}  // namespace
}  // namespace muxd::http
