#include "http/content_coding.h"

#include <gtest/gtest.h>

namespace muxd::http {
namespace {

constexpr CodingSet kAll = coding_bit(Coding::br) | coding_bit(Coding::zstd) | coding_bit(Coding::gzip);

AcceptEncoding parse(std::string_view value) {
  AcceptEncoding accept;
  accept.add(value);
  return accept;
}

Negotiation pick(std::string_view value, CodingSet available = kAll) { return negotiate(parse(value), available); }

TEST(QValue, FollowsTheGrammarOfRfc9110Section12_4_2) {
  EXPECT_EQ(parse_qvalue("1"), 1000);
  EXPECT_EQ(parse_qvalue("1."), 1000);
  EXPECT_EQ(parse_qvalue("1.000"), 1000);
  EXPECT_EQ(parse_qvalue("0"), 0);
  EXPECT_EQ(parse_qvalue("0.5"), 500);
  EXPECT_EQ(parse_qvalue("0.25"), 250);
  EXPECT_EQ(parse_qvalue("0.001"), 1);
  EXPECT_EQ(parse_qvalue("0.999"), 999);
  for (std::string_view bad : {"", "1.5", "1.001", "2", "0.1234", ".5", "0,5", "-0", "0.5x", "q", " 1"}) {
    EXPECT_EQ(parse_qvalue(bad), -1) << bad;
  }
}

TEST(AcceptEncodingParse, ListsCodingsWithTheirWeights) {
  AcceptEncoding accept = parse("gzip;q=0.5, br , ZSTD;Q=0.8, deflate, identity;q=0.1");
  EXPECT_TRUE(accept.present());
  EXPECT_EQ(accept.listed(Coding::gzip), 500);
  EXPECT_EQ(accept.listed(Coding::br), 1000);
  EXPECT_EQ(accept.listed(Coding::zstd), 800);  // tokens and "q" are case-insensitive
  EXPECT_EQ(accept.listed(Coding::identity), 100);
  EXPECT_EQ(accept.star(), AcceptEncoding::kUnlisted);
}

TEST(AcceptEncodingParse, OwsAroundTheSemicolonAndEmptyMembersAreAllowed) {
  AcceptEncoding accept = parse(" , gzip \t; \tq=0.3 ,, br;q=1 ,");
  EXPECT_EQ(accept.listed(Coding::gzip), 300);
  EXPECT_EQ(accept.listed(Coding::br), 1000);
}

TEST(AcceptEncodingParse, XGzipIsGzipAndUnknownCodingsAreIgnored) {
  AcceptEncoding accept = parse("x-gzip, compress, deflate, bzip2");
  EXPECT_EQ(accept.listed(Coding::gzip), 1000);
  EXPECT_EQ(accept.listed(Coding::br), AcceptEncoding::kUnlisted);
}

TEST(AcceptEncodingParse, AMemberWithABadWeightIsIgnoredAsAWhole) {
  AcceptEncoding accept = parse("gzip;q=2, br;level=5, zstd;q=, identity;q=0.5x");
  for (size_t i = 0; i < kCodingCount; ++i) EXPECT_EQ(accept.listed(static_cast<Coding>(i)), AcceptEncoding::kUnlisted);
}

TEST(AcceptEncodingParse, TheFirstListingOfACodingCountsAcrossFields) {
  AcceptEncoding accept;
  accept.add("gzip;q=0.2");
  accept.add("gzip, br;q=0");
  EXPECT_EQ(accept.listed(Coding::gzip), 200);
  EXPECT_EQ(accept.listed(Coding::br), 0);
}

TEST(AcceptEncodingQuality, IdentityIsAcceptableUnlessExcluded) {
  // Acceptable, but after anything the client listed.
  EXPECT_EQ(parse("gzip").quality(Coding::identity), AcceptEncoding::kImplicitIdentity);
  EXPECT_EQ(parse("").quality(Coding::identity), AcceptEncoding::kImplicitIdentity);
  EXPECT_EQ(parse("gzip;q=0.5, identity").quality(Coding::identity), 1000);
  EXPECT_EQ(parse("identity;q=0").quality(Coding::identity), 0);
  EXPECT_EQ(parse("*;q=0").quality(Coding::identity), 0);
  EXPECT_EQ(parse("*;q=0, identity;q=0.5").quality(Coding::identity), 500);
}

TEST(AcceptEncodingQuality, StarCoversWhatIsNotListed) {
  AcceptEncoding accept = parse("*;q=0.3, gzip;q=0");
  EXPECT_EQ(accept.quality(Coding::br), 300);
  EXPECT_EQ(accept.quality(Coding::zstd), 300);
  EXPECT_EQ(accept.quality(Coding::gzip), 0);
}

TEST(AcceptEncodingQuality, WithoutTheFieldOnlyIdentityIsSent) {
  AcceptEncoding none;
  EXPECT_FALSE(none.present());
  EXPECT_EQ(none.quality(Coding::identity), 1000);
  EXPECT_EQ(none.quality(Coding::gzip), 0);
  EXPECT_EQ(negotiate(none, kAll).coding, Coding::identity);
}

TEST(Negotiate, TheHighestQualityWins) {
  EXPECT_EQ(pick("gzip;q=1, br;q=0.5").coding, Coding::gzip);
  EXPECT_EQ(pick("gzip;q=0.1, zstd;q=0.2").coding, Coding::zstd);
  EXPECT_EQ(pick("identity, gzip;q=0.9").coding, Coding::identity);
}

TEST(Negotiate, TiesGoToTheSmallestOutputThenIdentityLast) {
  EXPECT_EQ(pick("gzip, deflate, br, zstd").coding, Coding::br);  // what browsers send
  EXPECT_EQ(pick("gzip, zstd").coding, Coding::zstd);
  EXPECT_EQ(pick("gzip, identity").coding, Coding::gzip);
  EXPECT_EQ(pick("*").coding, Coding::br);
}

TEST(Negotiate, OnlyAvailableCodingsArePicked) {
  EXPECT_EQ(pick("br, gzip;q=0.5", coding_bit(Coding::gzip)).coding, Coding::gzip);
  EXPECT_EQ(pick("br", coding_bit(Coding::gzip)).coding, Coding::identity);
  EXPECT_EQ(pick("br", 0).coding, Coding::identity);
}

TEST(Negotiate, QZeroMeansNotAcceptable) {
  EXPECT_EQ(pick("br;q=0, gzip;q=0").coding, Coding::identity);
  EXPECT_EQ(pick("*;q=0, gzip").coding, Coding::gzip);
}

TEST(Negotiate, NotAcceptableOnlyWhenIdentityIsRefusedToo) {
  EXPECT_FALSE(pick("identity;q=0").acceptable);  // nothing else listed
  EXPECT_FALSE(pick("*;q=0").acceptable);
  EXPECT_FALSE(pick("br, identity;q=0", coding_bit(Coding::gzip)).acceptable);
  Negotiation gzip = pick("gzip, identity;q=0", coding_bit(Coding::gzip));
  EXPECT_TRUE(gzip.acceptable);
  EXPECT_EQ(gzip.coding, Coding::gzip);
  EXPECT_TRUE(pick("br;q=0").acceptable);  // identity still acceptable: §12.5.3 sends it
}

TEST(Names, TokensAndSidecarSuffixes) {
  EXPECT_EQ(coding_name(Coding::br), "br");
  EXPECT_EQ(coding_name(Coding::zstd), "zstd");
  EXPECT_EQ(coding_name(Coding::gzip), "gzip");
  EXPECT_EQ(sidecar_suffix(Coding::br), ".br");
  EXPECT_EQ(sidecar_suffix(Coding::zstd), ".zst");
  EXPECT_EQ(sidecar_suffix(Coding::gzip), ".gz");
}

TEST(CompressibleTypes, TextAndFriendsButNotWhatIsCompressedAlready) {
  for (std::string_view type : {"text/html; charset=utf-8", "text/javascript; charset=utf-8", "text/css",
                                "application/json; charset=utf-8", "image/svg+xml; charset=utf-8",
                                "application/wasm", "application/xml", "Application/JSON"}) {
    EXPECT_TRUE(is_compressible_type(type)) << type;
  }
  for (std::string_view type : {"image/png", "image/jpeg", "application/gzip", "application/zip", "font/woff2",
                                "video/mp4", "application/octet-stream", "text/", ""}) {
    EXPECT_FALSE(is_compressible_type(type)) << type;
  }
}

}  // namespace
}  // namespace muxd::http
