#include <boost/test/unit_test.hpp>
#include <date/date.h>

#include "domain/instant.hpp"

using namespace tutorbot::domain;
using namespace std::chrono;

BOOST_AUTO_TEST_SUITE(instant)

BOOST_AUTO_TEST_CASE(formats_utc_with_z) {
  sys_seconds t = date::sys_days{date::year{2026} / 12 / 1} + hours{15} + minutes{4} + seconds{5};
  BOOST_TEST(rfc3339(t) == "2026-12-01T15:04:05Z");
  BOOST_TEST(rfc3339(sys_seconds{}) == "1970-01-01T00:00:00Z");
  BOOST_TEST(rfc3339(date::sys_days{date::year{2028} / 2 / 29}) == "2028-02-29T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(parses_z_and_offsets_to_the_same_instant) {
  auto z = parse_rfc3339("2026-12-01T15:00:00Z");
  auto offset = parse_rfc3339("2026-12-01T16:00:00+01:00");
  BOOST_REQUIRE(z && offset);
  BOOST_TEST((*z == *offset));
  BOOST_TEST(rfc3339(*z) == "2026-12-01T15:00:00Z");
}

BOOST_AUTO_TEST_CASE(rejects_what_is_not_rfc3339) {
  for (auto text : {"", "2026-12-01", "2026-12-01 15:00:00Z", "2026-12-01T15:00:00Zjunk", "2026-13-01T15:00:00Z",
                    "tomorrow at four",
                    // An offset that carries the instant out of the years 0000-9999 (fuzz_rfc3339).
                    "0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01"}) {
    BOOST_TEST(!parse_rfc3339(text).has_value(), text);
  }
}

BOOST_AUTO_TEST_CASE(iso_dates_must_exist_and_be_exact) {
  auto leap = parse_iso_date("2028-02-29");
  BOOST_REQUIRE(leap);
  BOOST_TEST((*leap == std::chrono::year_month_day{std::chrono::year{2028}, std::chrono::February, std::chrono::day{29}}));
  for (auto text : {"2026-02-29", "2026-13-01", "2026-1-01", "2026-01-01T", "20260101", "", "2026-00-10", "abcd-ef-gh"}) {
    BOOST_TEST(!parse_iso_date(text).has_value(), text);
  }
}

BOOST_AUTO_TEST_CASE(round_trips_every_hour_of_a_leap_year) {
  sys_seconds t = date::sys_days{date::year{2028} / 1 / 1};
  for (int h = 0; h < 366 * 24; ++h, t += hours{1}) {
    auto parsed = parse_rfc3339(rfc3339(t));
    BOOST_REQUIRE(parsed);
    BOOST_REQUIRE((*parsed == t));
  }
}

BOOST_AUTO_TEST_SUITE_END()
