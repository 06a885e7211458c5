#include "domain/instant.hpp"


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

std::string iso_date(std::chrono::year_month_day day) {
  std::string out = "0000-00-00";
  put_digits(&out[0], static_cast<unsigned>(static_cast<int>(day.year())), 4);
  put_digits(&out[5], static_cast<unsigned>(day.month()), 2);
  put_digits(&out[8], static_cast<unsigned>(day.day()), 2);
  return out;
}

std::optional<std::chrono::year_month_day> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t count) -> std::optional<unsigned> {
    unsigned value = 0;
    for (std::size_t i = from; i < from + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + static_cast<unsigned>(text[i] - '0');
    }
    return value;
  };
  auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  std::chrono::year_month_day day{std::chrono::year{static_cast<int>(*y)}, std::chrono::month{*m},
                                  std::chrono::day{*d}};
  if (!day.ok()) return std::nullopt;
  return day;
}

std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS then Z or ±HH:MM. Parsed by hand: date::parse's istream path trips
  // GCC 12's -Wmaybe-uninitialized wherever it is inlined.
  if (text.size() != 20 && text.size() != 25) return std::nullopt;
  auto day = parse_iso_date(text.substr(0, 10));
  if (!day || text[10] != 'T' || text[13] != ':' || text[16] != ':') return std::nullopt;
  auto two = [&](std::size_t at) -> std::optional<int> {
    if (text[at] < '0' || text[at] > '9' || text[at + 1] < '0' || text[at + 1] > '9') return std::nullopt;
    return (text[at] - '0') * 10 + (text[at + 1] - '0');
  };
  auto h = two(11), m = two(14), sec = two(17);
  if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 59) return std::nullopt;
  std::chrono::sys_seconds t = std::chrono::sys_days{*day} + std::chrono::hours{*h} + std::chrono::minutes{*m} +
                               std::chrono::seconds{*sec};
  if (text.size() == 20) return text[19] == 'Z' ? std::optional(t) : std::nullopt;
  auto oh = two(20), om = two(23);
  if ((text[19] != '+' && text[19] != '-') || text[22] != ':' || !oh || !om || *oh > 23 || *om > 59) {
    return std::nullopt;
  }
  auto offset = std::chrono::hours{*oh} + std::chrono::minutes{*om};
  t = text[19] == '+' ? t - offset : t + offset;
  // An offset can carry 0000-01-01 or 9999-12-31 out of the years rfc3339() can write.
  if (t < std::chrono::sys_days{std::chrono::year{0} / 1 / 1} ||
      t >= std::chrono::sys_days{std::chrono::year{10000} / 1 / 1})
    return std::nullopt;
  return t;
}

}  // namespace tutorbot::domain
