#include <boost/test/unit_test.hpp>

#include <chrono>

#include <date/tz.h>

#include "tests/unit/domain/amsterdam.hpp"
#include "domain/local_format.hpp"
#include "domain/whatsapp_text.hpp"

using namespace tutorbot::domain;
using namespace std::chrono_literals;

namespace {

using test::amsterdam;
using test::local;


std::string slot(language l, std::chrono::sys_seconds start, std::chrono::minutes length) {
  return format_slot(l, start, start + length, amsterdam());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(local_format)

BOOST_AUTO_TEST_CASE(dutch_slot_in_winter_time) {
  const auto start = local(2024, 3, 12, 16, 0);
  BOOST_TEST((start == date::sys_days{date::year{2024} / 3 / 12} + 15h));  // CET = UTC+1
  BOOST_TEST(slot(language::nl, start, 60min) == "di 12 mrt 16:00–17:00");
}

BOOST_AUTO_TEST_CASE(english_slot_in_winter_time) {
  BOOST_TEST(slot(language::en, local(2024, 3, 12, 16, 0), 60min) == "Tue 12 Mar 4:00–5:00 pm");
}

BOOST_AUTO_TEST_CASE(slot_in_summer_time) {
  const auto start = local(2026, 7, 14, 16, 0);
  BOOST_TEST((start == date::sys_days{date::year{2026} / 7 / 14} + 14h));  // CEST = UTC+2
  BOOST_TEST(slot(language::nl, start, 90min) == "di 14 jul 16:00–17:30");
  BOOST_TEST(slot(language::en, start, 90min) == "Tue 14 Jul 4:00–5:30 pm");
}

BOOST_AUTO_TEST_CASE(slots_on_both_dst_switch_days_show_local_wall_clock) {
  BOOST_TEST(slot(language::nl, local(2026, 3, 28, 16, 0), 60min) == "za 28 mrt 16:00–17:00");
  BOOST_TEST(slot(language::nl, local(2026, 3, 29, 16, 0), 60min) == "zo 29 mrt 16:00–17:00");
  BOOST_TEST(slot(language::nl, local(2026, 10, 25, 16, 0), 60min) == "zo 25 okt 16:00–17:00");
  BOOST_TEST(slot(language::en, local(2026, 10, 26, 16, 0), 60min) == "Mon 26 Oct 4:00–5:00 pm");
}

BOOST_AUTO_TEST_CASE(a_lesson_over_the_spring_switch_lasts_one_real_hour) {
  // 01:30 CET + 60 real minutes = 03:30 CEST.
  BOOST_TEST(slot(language::nl, local(2026, 3, 29, 1, 30), 60min) == "zo 29 mrt 01:30–03:30");
}

BOOST_AUTO_TEST_CASE(local_date_differs_from_utc_date_after_midnight) {
  // Saturday 00:30 CET is Friday 23:30 UTC.
  BOOST_TEST(slot(language::nl, local(2026, 3, 14, 0, 30), 60min) == "za 14 mrt 00:30–01:30");
  BOOST_TEST(slot(language::en, local(2026, 3, 14, 0, 30), 60min) == "Sat 14 Mar 12:30–1:30 am");
}

BOOST_AUTO_TEST_CASE(english_names_am_pm_on_both_ends_when_they_differ) {
  BOOST_TEST(slot(language::en, local(2026, 3, 12, 11, 30), 60min) == "Thu 12 Mar 11:30 am–12:30 pm");
  BOOST_TEST(slot(language::en, local(2026, 3, 12, 9, 0), 90min) == "Thu 12 Mar 9:00–10:30 am");
}

BOOST_AUTO_TEST_CASE(english_noon_is_12_pm_and_midnight_12_am) {
  BOOST_TEST(slot(language::en, local(2026, 3, 12, 12, 0), 60min) == "Thu 12 Mar 12:00–1:00 pm");
  BOOST_TEST(format_time(language::en, local(2026, 3, 12, 0, 15), amsterdam()) == "12:15 am");
  BOOST_TEST(format_time(language::nl, local(2026, 3, 12, 0, 15), amsterdam()) == "00:15");
}

BOOST_AUTO_TEST_CASE(slot_across_midnight_names_both_days) {
  const auto start = local(2026, 3, 14, 23, 30);
  BOOST_TEST(slot(language::nl, start, 60min) == "za 14 mrt 23:30 – zo 15 mrt 00:30");
  BOOST_TEST(slot(language::en, start, 60min) == "Sat 14 Mar 11:30 pm – Sun 15 Mar 12:30 am");
}

BOOST_AUTO_TEST_CASE(slot_ending_exactly_at_midnight_stays_on_one_day) {
  const auto start = local(2026, 3, 14, 23, 0);
  BOOST_TEST(slot(language::nl, start, 60min) == "za 14 mrt 23:00–00:00");
  BOOST_TEST(slot(language::en, start, 60min) == "Sat 14 Mar 11:00 pm–12:00 am");
}

BOOST_AUTO_TEST_CASE(long_forms_for_confirmations) {
  const auto t = local(2026, 3, 10, 16, 0);
  BOOST_TEST(format_date_time_long(language::nl, t, amsterdam()) == "dinsdag 10 maart 2026 om 16:00");
  BOOST_TEST(format_date_time_long(language::en, t, amsterdam()) == "Tuesday 10 March 2026 at 4:00 pm");
  BOOST_TEST(format_date_long(language::nl, t, amsterdam()) == "dinsdag 10 maart 2026");
}

BOOST_AUTO_TEST_CASE(short_date_forms) {
  const auto t = local(2026, 3, 10, 16, 0);
  BOOST_TEST(format_date_short(language::nl, t, amsterdam()) == "di 10 mrt");
  BOOST_TEST(format_date_short(language::en, t, amsterdam()) == "Tue 10 Mar");
}

BOOST_AUTO_TEST_CASE(dutch_abbreviations_for_every_month_and_weekday) {
  const char* months[] = {"jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"};
  for (unsigned m = 1; m <= 12; ++m) {
    const auto text = format_date_short(language::nl, local(2026, m, 1, 12, 0), amsterdam());
    BOOST_TEST(text.substr(text.size() - 3) == months[m - 1]);
  }
  // 2026-03-09 is a Monday.
  const char* days[] = {"ma", "di", "wo", "do", "vr", "za", "zo"};
  for (unsigned d = 0; d < 7; ++d)
    BOOST_TEST(format_date_short(language::nl, local(2026, 3, 9 + d, 12, 0), amsterdam()).substr(0, 2) ==
               days[d]);
}

BOOST_AUTO_TEST_CASE(zone_by_name_matches_zone_by_pointer) {
  const auto t = local(2026, 3, 10, 16, 0);
  BOOST_TEST(format_slot(language::nl, t, t + 1h, "Europe/Amsterdam") == "di 10 mrt 16:00–17:00");
  BOOST_TEST(format_date_time_long(language::en, t, "Europe/Amsterdam") ==
             "Tuesday 10 March 2026 at 4:00 pm");
  BOOST_TEST(format_slot(language::nl, t, t + 1h, "America/New_York") == "di 10 mrt 11:00–12:00");
}

BOOST_AUTO_TEST_CASE(language_parses_codes_and_locales) {
  BOOST_TEST((parse_language("nl") == language::nl));
  BOOST_TEST((parse_language("en-GB") == language::en));
  BOOST_TEST((parse_language("NL_be") == language::nl));
  BOOST_TEST(!parse_language("de").has_value());
  BOOST_TEST(!parse_language("english").has_value());
  BOOST_TEST(!parse_language("").has_value());
  BOOST_TEST(to_string(language::en) == "en");
  BOOST_TEST(to_string(language::nl) == "nl");
}

BOOST_AUTO_TEST_CASE(start_titles_read_as_date_and_start) {
  BOOST_TEST(format_start_short(language::nl, local(2026, 12, 10, 15, 0), amsterdam()) == "do 10 dec 15:00");
  BOOST_TEST(format_start_short(language::en, local(2026, 12, 10, 15, 0), amsterdam()) == "Thu 10 Dec 3:00 pm");
}

BOOST_AUTO_TEST_CASE(start_titles_fit_a_button_on_every_day_and_quarter_hour_of_a_leap_year) {
  std::size_t longest = 0;
  for (auto day = date::sys_days{date::year{2028} / 1 / 1}; day < date::sys_days{date::year{2029} / 1 / 1};
       day += date::days{1})
    for (auto t = std::chrono::sys_seconds{day}; t < day + date::days{1}; t += 15min)
      for (auto l : {language::nl, language::en})
        longest = std::max(longest, count_code_points(format_start_short(l, t, amsterdam())));
  BOOST_TEST(longest <= 19u);
  BOOST_TEST(longest <= whatsapp_button_title_limit);
}

BOOST_AUTO_TEST_SUITE_END()
