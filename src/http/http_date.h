#pragma once
// HTTP-date (RFC 9110 §5.6.7): formatting in IMF-fixdate, parsing all three
// forms a recipient must accept.
#include <cstddef>
#include <ctime>
#include <optional>
#include <string_view>

namespace muxd::http {

inline constexpr size_t kHttpDateLength = 29;  // "Sun, 06 Nov 1994 08:49:37 GMT"

// Writes exactly kHttpDateLength bytes, no NUL terminator. Times outside the
// years 0000..9999 (what a 4-digit year can say) are clamped to that range.
void format_http_date(time_t t, char out[kHttpDateLength]);

inline constexpr size_t kLogDateLength = 26;  // "06/Nov/1994:08:49:37 +0000"

// The access log's time (Common Log Format), UTC, same rules as above. Like
// format_http_date it is arithmetic only: no gmtime_r, whose glibc tzset lock
// a fork child may have inherited locked (see http/models/fork.cpp).
void format_log_date(time_t t, char out[kLogDateLength]);

// Accepts IMF-fixdate, the obsolete RFC 850 form ("Sunday, 06-Nov-94 ...") and
// asctime ("Sun Nov  6 08:49:37 1994"); case-sensitive, no surrounding spaces,
// fields range-checked (second 60 allowed for leap seconds), the weekday name
// must be valid but is not cross-checked. nullopt for anything else.
std::optional<time_t> parse_http_date(std::string_view text);

// As above; `now` decides the century of an RFC 850 two-digit year: the year
// within 50 years of now with those last digits (§5.6.7).
std::optional<time_t> parse_http_date(std::string_view text, time_t now);

}  // namespace muxd::http
