#include "http/http_date.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace muxd::http {
namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr std::array<std::string_view, 7> kDayNames{"Sun", "Mon", "Tue", "Wed",
                                                    "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDayNames{
    "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonthNames{
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// "Wednesday, 09-Nov-94 08:49:37 GMT": nothing valid is longer.
constexpr size_t kMaxHttpDateLength = 33;

constexpr time_t seconds_since_epoch(std::chrono::year_month_day date) {
  return sys_days{date}.time_since_epoch().count() * time_t{86400};
}
constexpr time_t kEarliest = seconds_since_epoch(std::chrono::year{0} / 1 / 1);
constexpr time_t kLatest = seconds_since_epoch(std::chrono::year{9999} / 12 / 31) + 86399;

char* put_digits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
  return out + width;
}

char* put_text(char* out, std::string_view text) {
  return std::copy(text.begin(), text.end(), out);
}

// A time as calendar fields, clamped to what a 4-digit year can say.
struct Broken {
  sys_days day;
  std::chrono::year_month_day date;
  std::chrono::hh_mm_ss<seconds> time;
};

Broken break_down(time_t t) {
  sys_seconds moment{seconds{std::clamp(t, kEarliest, kLatest)}};
  sys_days day = std::chrono::floor<days>(moment);
  return {day, std::chrono::year_month_day{day}, std::chrono::hh_mm_ss{moment - day}};
}

// "dd Mon yyyy" with `separator` between the fields, then "HH:MM:SS" after `before_time`.
char* put_date_time(char* p, const Broken& b, char separator, char before_time) {
  p = put_digits(p, static_cast<unsigned>(b.date.day()), 2);
  *p++ = separator;
  p = put_text(p, kMonthNames[static_cast<unsigned>(b.date.month()) - 1]);
  *p++ = separator;
  p = put_digits(p, static_cast<unsigned>(static_cast<int>(b.date.year())), 4);
  *p++ = before_time;
  p = put_digits(p, static_cast<unsigned>(b.time.hours().count()), 2);
  *p++ = ':';
  p = put_digits(p, static_cast<unsigned>(b.time.minutes().count()), 2);
  *p++ = ':';
  return put_digits(p, static_cast<unsigned>(b.time.seconds().count()), 2);
}

}  // namespace

void format_http_date(time_t t, char out[kHttpDateLength]) {
  Broken b = break_down(t);
  char* p = put_text(out, kDayNames[std::chrono::weekday{b.day}.c_encoding()]);
  p = put_text(p, ", ");
  p = put_date_time(p, b, ' ', ' ');
  put_text(p, " GMT");
}

void format_log_date(time_t t, char out[kLogDateLength]) {
  char* p = put_date_time(out, break_down(t), '/', ':');
  put_text(p, " +0000");
}

namespace {

// Reads an HTTP-date left to right; every step fails on the first mismatch.
class DateScanner {
 public:
  explicit DateScanner(std::string_view text) : rest_(text) {}

  bool literal(std::string_view expected) {
    if (!rest_.starts_with(expected)) return false;
    rest_.remove_prefix(expected.size());
    return true;
  }

  // Exactly `width` ASCII digits.
  bool number(int width, int& value) {
    if (rest_.size() < static_cast<size_t>(width)) return false;
    value = 0;
    for (int i = 0; i < width; ++i) {
      char c = rest_[i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    rest_.remove_prefix(width);
    return true;
  }

  // One of `names`; its index goes to `index`. No name is a prefix of another
  // within a table, so the first match is the only one.
  template <size_t N>
  bool name(const std::array<std::string_view, N>& names, int& index) {
    for (size_t i = 0; i < N; ++i) {
      if (literal(names[i])) {
        index = static_cast<int>(i);
        return true;
      }
    }
    return false;
  }

  bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

struct DateFields {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

// time-of-day = hour ":" minute ":" second
bool scan_time_of_day(DateScanner& in, DateFields& f) {
  return in.number(2, f.hour) && in.literal(":") && in.number(2, f.minute) && in.literal(":") &&
         in.number(2, f.second);
}

bool scan_month(DateScanner& in, DateFields& f) {
  if (!in.name(kMonthNames, f.month)) return false;
  ++f.month;
  return true;
}

// IMF-fixdate = day-name "," SP day SP month SP year SP time-of-day SP "GMT"
bool scan_imf_fixdate(DateScanner in, DateFields& f) {
  int weekday;
  return in.name(kDayNames, weekday) && in.literal(", ") && in.number(2, f.day) &&
         in.literal(" ") && scan_month(in, f) && in.literal(" ") && in.number(4, f.year) &&
         in.literal(" ") && scan_time_of_day(in, f) && in.literal(" GMT") && in.done();
}

// rfc850-date = day-name-l "," SP day "-" month "-" 2DIGIT SP time-of-day SP GMT
bool scan_rfc850_date(DateScanner in, DateFields& f) {
  int weekday;
  return in.name(kLongDayNames, weekday) && in.literal(", ") && in.number(2, f.day) &&
         in.literal("-") && scan_month(in, f) && in.literal("-") && in.number(2, f.year) &&
         in.literal(" ") && scan_time_of_day(in, f) && in.literal(" GMT") && in.done();
}

// asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year
bool scan_asctime_date(DateScanner in, DateFields& f) {
  int weekday;
  if (!in.name(kDayNames, weekday) || !in.literal(" ") || !scan_month(in, f) ||
      !in.literal(" ")) {
    return false;
  }
  bool day_ok = in.literal(" ") ? in.number(1, f.day) : in.number(2, f.day);
  return day_ok && in.literal(" ") && scan_time_of_day(in, f) && in.literal(" ") &&
         in.number(4, f.year) && in.done();
}

// §5.6.7: a two-digit year more than 50 years ahead means the past century.
int expand_two_digit_year(int two_digits, time_t now) {
  std::chrono::year_month_day today{std::chrono::floor<days>(sys_seconds{seconds{now}})};
  int current = static_cast<int>(today.year());
  int year = current - current % 100 + two_digits;
  if (year > current + 50) year -= 100;
  if (year <= current - 50) year += 100;
  return year;
}

std::optional<time_t> to_time(const DateFields& f) {
  std::chrono::year_month_day date{std::chrono::year{f.year},
                                   std::chrono::month{static_cast<unsigned>(f.month)},
                                   std::chrono::day{static_cast<unsigned>(f.day)}};
  if (!date.ok() || f.hour > 23 || f.minute > 59 || f.second > 60) return std::nullopt;
  return seconds_since_epoch(date) + f.hour * 3600 + f.minute * 60 + f.second;
}

}  // namespace

std::optional<time_t> parse_http_date(std::string_view text, time_t now) {
  if (text.size() > kMaxHttpDateLength) return std::nullopt;
  DateFields fields;
  if (scan_imf_fixdate(DateScanner(text), fields) || scan_asctime_date(DateScanner(text), fields)) {
    return to_time(fields);
  }
  if (scan_rfc850_date(DateScanner(text), fields)) {
    fields.year = expand_two_digit_year(fields.year, now);
    return to_time(fields);
  }
  return std::nullopt;
}

std::optional<time_t> parse_http_date(std::string_view text) {
  return parse_http_date(text, std::time(nullptr));
}

}  // namespace muxd::http
