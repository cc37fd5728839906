#include "http/http_date.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace muxd::http {
namespace {

constexpr time_t kExample = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110 §5.6.7)
constexpr time_t kNow2025 = 1750000000;  // mid-June 2025

std::string formatted(time_t t) {
  char out[kHttpDateLength];
  format_http_date(t, out);
  return std::string(out, kHttpDateLength);
}

TEST(HttpDate, FormatsImfFixdate) {
  EXPECT_EQ(formatted(kExample), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(formatted(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(formatted(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(formatted(2147483647), "Tue, 19 Jan 2038 03:14:07 GMT");
  EXPECT_EQ(formatted(4102444799), "Thu, 31 Dec 2099 23:59:59 GMT");
  EXPECT_EQ(formatted(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
}

TEST(HttpDate, FormatWritesExactlyTwentyNineBytes) {
  char out[kHttpDateLength + 1];
  out[kHttpDateLength] = '#';
  format_http_date(kExample, out);
  EXPECT_EQ(out[kHttpDateLength], '#');
}

TEST(HttpDate, FormatsTheAccessLogDate) {
  auto log_date = [](time_t t) {
    char out[kLogDateLength + 1];
    out[kLogDateLength] = '#';
    format_log_date(t, out);
    EXPECT_EQ(out[kLogDateLength], '#');
    return std::string(out, kLogDateLength);
  };
  EXPECT_EQ(log_date(kExample), "06/Nov/1994:08:49:37 +0000");
  EXPECT_EQ(log_date(0), "01/Jan/1970:00:00:00 +0000");
  EXPECT_EQ(log_date(951782400), "29/Feb/2000:00:00:00 +0000");
}

TEST(HttpDate, FormatClampsToFourDigitYears) {
  EXPECT_EQ(formatted(std::numeric_limits<time_t>::max()), "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(formatted(std::numeric_limits<time_t>::min()), "Sat, 01 Jan 0000 00:00:00 GMT");
}

TEST(HttpDate, ParsesTheThreeForms) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), kExample);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", kNow2025), kExample);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), kExample);
  EXPECT_EQ(parse_http_date("Sun Nov 06 08:49:37 1994"), kExample);  // date3 allows 2DIGIT
}

TEST(HttpDate, RoundTrips) {
  for (time_t t : {time_t{0}, kExample, time_t{951782400}, time_t{1700000000}, time_t{253402300799}}) {
    EXPECT_EQ(parse_http_date(formatted(t)), t) << formatted(t);
  }
}

TEST(HttpDate, Rfc850TwoDigitYearStaysWithinFiftyYears) {
  EXPECT_EQ(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT", kNow2025), 3155760000);  // 2070
  EXPECT_EQ(parse_http_date("Thursday, 01-Jan-70 00:00:00 GMT", 946684800), 0);  // seen in 2000
  EXPECT_EQ(parse_http_date("Saturday, 01-Jan-00 00:00:00 GMT", kNow2025), 946684800);
  // 2075 is not more than 50 years ahead of 2025; 2076 is, so it means 1976.
  EXPECT_EQ(parse_http_date("Tuesday, 01-Jan-75 00:00:00 GMT", kNow2025), 3313526400);
  EXPECT_EQ(parse_http_date("Thursday, 01-Jan-76 00:00:00 GMT", kNow2025), 189302400);
}

TEST(HttpDate, AcceptsLeapSecondAndLeapDay) {
  EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"), 1483228800);
  EXPECT_EQ(parse_http_date("Thu, 29 Feb 2024 12:00:00 GMT"), 1709208000);
}

TEST(HttpDate, RejectsOutOfRangeFields) {
  for (const char* text : {"Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
                           "Sun, 31 Nov 1994 08:49:37 GMT", "Thu, 29 Feb 2023 08:49:37 GMT",
                           "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:37 GMT",
                           "Sun, 06 Nov 1994 08:49:61 GMT", "Sun Nov 31 08:49:37 1994"}) {
    EXPECT_FALSE(parse_http_date(text)) << text;
  }
}

TEST(HttpDate, RejectsMalformedText) {
  for (const char* text :
       {"", "Sun", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 1994 08:49:37 UTC",
        "sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT", "Sun,06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT ", " Sun, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMTX", "Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 06 Nov +994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun, 06-Nov-94 08:49:37 GMT", "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sun Nov  6 08:49:37 94", "Sun Nov 6 08:49:37 1994", "Sun Nov  6 08:49:37 1994 ",
        "Xyz, 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z", "784111777",
        "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(parse_http_date(text)) << text;
  }
}

TEST(HttpDate, ParsingIsBoundedInLength) {
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT" + std::string(100000, ' ')));
  // The longest valid form is 33 bytes.
  EXPECT_TRUE(parse_http_date("Wednesday, 09-Nov-94 08:49:37 GMT", kNow2025));
}

}  // namespace
}  // namespace muxd::http
