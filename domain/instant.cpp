#include "domain/instant.hpp"

#include <sstream>

#include <date/date.h>

namespace tutorbot::domain {

namespace {

void put_digits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
}

}  // namespace

std::string rfc3339(std::chrono::sys_seconds instant) {
  auto day = date::floor<date::days>(instant);
  date::year_month_day ymd{day};
  date::hh_mm_ss<std::chrono::seconds> time{instant - day};
  std::string out = "0000-00-00T00:00:00Z";
  put_digits(&out[0], static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  put_digits(&out[5], static_cast<unsigned>(ymd.month()), 2);
  put_digits(&out[8], static_cast<unsigned>(ymd.day()), 2);
  put_digits(&out[11], static_cast<unsigned>(time.hours().count()), 2);
  put_digits(&out[14], static_cast<unsigned>(time.minutes().count()), 2);
  put_digits(&out[17], static_cast<unsigned>(time.seconds().count()), 2);
  return out;
}

std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text) {
  for (const char* pattern : {"%FT%TZ", "%FT%T%Ez"}) {
    std::istringstream in{std::string(text)};
    std::chrono::sys_seconds t;
    in >> date::parse(pattern, t);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return t;
  }
  return std::nullopt;
}

}  // namespace tutorbot::domain
