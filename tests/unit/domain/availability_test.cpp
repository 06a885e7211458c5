// Named edge cases of the availability engine; exact UTC instants throughout.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <variant>

#include <date/tz.h>

#include "tests/unit/domain/amsterdam.hpp"
#include "domain/availability.hpp"

using namespace std::chrono;
using namespace tutorbot::domain;

namespace {

sys_seconds utc(int y, unsigned mo, unsigned d, int h, int mi = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

year_month_day ymd(int y, unsigned mo, unsigned d) { return year{y} / month{mo} / day{d}; }

using test::amsterdam;

constexpr int sun = 0, mon = 1, tue = 2, wed = 3, thu = 4, fri = 5, sat = 6;

// Weekday afternoons 15:00-21:00, step 15, lessons of 30/60/90, nothing else.
tutor_rules plain_tutor() {
  tutor_rules t;
  t.id = "anouk";
  for (int d : {mon, tue, wed, thu, fri}) t.weekly[d] = {{15 * 60, 21 * 60}};
  t.durations_minutes = {30, 60, 90};
  t.slot_step = minutes{15};
  t.horizon = days{5000};
  return t;
}

slot_query day_query(int y, unsigned mo, unsigned d, int duration = 60, int days_long = 1) {
  slot_query q;
  q.from = sys_days{year{y} / month{mo} / day{d}} - hours{3};  // covers local midnight
  q.to = q.from + days{days_long};
  q.duration_minutes = duration;
  return q;
}

std::vector<slot> slots(const tutor_rules& t, const slot_query& q, sys_seconds now,
                        std::vector<busy_interval> busy = {},
                        const date::time_zone* zone = amsterdam(),
                        std::vector<date_range> holidays = {}) {
  auto r = available_slots(t, zone, holidays, busy, q, now);
  BOOST_REQUIRE(std::holds_alternative<std::vector<slot>>(r));
  return std::get<std::vector<slot>>(r);
}

std::vector<sys_seconds> starts(const std::vector<slot>& s) {
  std::vector<sys_seconds> out;
  for (const auto& x : s) out.push_back(x.start);
  return out;
}

bool offers(const std::vector<slot>& s, sys_seconds start) {
  return std::any_of(s.begin(), s.end(), [&](const slot& x) { return x.start == start; });
}

const sys_seconds long_ago = utc(2026, 1, 1, 0);

// Sunday afternoons 15:00-18:00, hourly.
tutor_rules sunday_tutor() {
  tutor_rules t = plain_tutor();
  t.weekly[sun] = {{15 * 60, 18 * 60}};
  t.slot_step = minutes{60};
  return t;
}

}  // namespace

namespace std::chrono {
inline std::ostream& boost_test_print_type(std::ostream& os, const sys_seconds& t) {
  return os << date::format("%FT%TZ", t);
}
}  // namespace std::chrono

BOOST_AUTO_TEST_SUITE(availability)

BOOST_AUTO_TEST_CASE(spring_forward_2026_afternoon_16_local_is_14_utc) {
  const auto s = slots(sunday_tutor(), day_query(2026, 3, 29), long_ago);
  const std::vector<sys_seconds> want{utc(2026, 3, 29, 13), utc(2026, 3, 29, 14),
                                      utc(2026, 3, 29, 15)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
  BOOST_TEST(s.at(1).end == utc(2026, 3, 29, 15));
}

BOOST_AUTO_TEST_CASE(fall_back_2026_afternoon_16_local_is_15_utc) {
  const auto s = slots(sunday_tutor(), day_query(2026, 10, 25), long_ago);
  const std::vector<sys_seconds> want{utc(2026, 10, 25, 14), utc(2026, 10, 25, 15),
                                      utc(2026, 10, 25, 16)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(spring_forward_2027_afternoon_16_local_is_14_utc) {
  const auto s = slots(sunday_tutor(), day_query(2027, 3, 28), long_ago);
  const std::vector<sys_seconds> want{utc(2027, 3, 28, 13), utc(2027, 3, 28, 14),
                                      utc(2027, 3, 28, 15)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fall_back_2027_afternoon_16_local_is_15_utc) {
  const auto s = slots(sunday_tutor(), day_query(2027, 10, 31), long_ago);
  const std::vector<sys_seconds> want{utc(2027, 10, 31, 14), utc(2027, 10, 31, 15),
                                      utc(2027, 10, 31, 16)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(spring_forward_night_offers_only_starts_that_exist) {
  // Open 01:00-04:00 on 2026-03-29; the clock jumps 02:00 CET -> 03:00 CEST.
  tutor_rules t = plain_tutor();
  t.weekly[sun] = {{1 * 60, 4 * 60}};
  t.slot_step = minutes{30};
  const auto s = slots(t, day_query(2026, 3, 29), long_ago);
  // 01:00 CET, 01:30 CET (ends 03:30 CEST: a real hour), 03:00 CEST; 02:00 and 02:30
  // do not exist, 03:30 would end after 04:00.
  const std::vector<sys_seconds> want{utc(2026, 3, 29, 0), utc(2026, 3, 29, 0, 30),
                                      utc(2026, 3, 29, 1)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
  BOOST_TEST(s.at(1).end == utc(2026, 3, 29, 1, 30));
}

BOOST_AUTO_TEST_CASE(fall_back_night_skips_ambiguous_starts) {
  // Open 01:00-04:00 on 2026-10-25; 02:00-03:00 happens twice (CEST, then CET).
  tutor_rules t = plain_tutor();
  t.weekly[sun] = {{1 * 60, 4 * 60}};
  t.slot_step = minutes{30};
  const auto s = slots(t, day_query(2026, 10, 25), long_ago);
  const std::vector<sys_seconds> want{utc(2026, 10, 24, 23), utc(2026, 10, 24, 23, 30),
                                      utc(2026, 10, 25, 2)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ninety_minute_lesson_ending_exactly_at_closing_is_offered) {
  const auto s = slots(plain_tutor(), day_query(2026, 11, 3, 90), long_ago);  // a Tuesday
  BOOST_TEST(s.back().start == utc(2026, 11, 3, 18, 30));  // 19:30-21:00 local (CET)
  BOOST_TEST(s.back().end == utc(2026, 11, 3, 20));
}

BOOST_AUTO_TEST_CASE(ninety_minute_lesson_ending_one_minute_after_closing_is_not_offered) {
  tutor_rules t = plain_tutor();
  t.weekly[tue] = {{15 * 60, 20 * 60 + 59}};
  const auto s = slots(t, day_query(2026, 11, 3, 90), long_ago);
  BOOST_TEST(!offers(s, utc(2026, 11, 3, 18, 30)));
  BOOST_TEST(s.back().start == utc(2026, 11, 3, 18, 15));
}

BOOST_AUTO_TEST_CASE(back_to_back_bookings_keep_both_buffers_between_lessons) {
  tutor_rules t = plain_tutor();
  t.buffer_before = minutes{10};
  t.buffer_after = minutes{5};
  t.slot_step = minutes{5};
  // Booked 17:00-18:00 local: a lesson before must end by 16:45, one after start at 18:15.
  const std::vector<busy_interval> busy{{utc(2026, 11, 3, 16), utc(2026, 11, 3, 17), true}};
  const auto s = slots(t, day_query(2026, 11, 3), long_ago, busy);
  BOOST_TEST(offers(s, utc(2026, 11, 3, 14, 45)));
  BOOST_TEST(!offers(s, utc(2026, 11, 3, 14, 50)));
  BOOST_TEST(!offers(s, utc(2026, 11, 3, 17, 10)));
  BOOST_TEST(offers(s, utc(2026, 11, 3, 17, 15)));
}

BOOST_AUTO_TEST_CASE(calendar_event_must_stay_clear_of_the_lesson_buffers) {
  tutor_rules t = plain_tutor();
  t.buffer_before = minutes{10};
  t.buffer_after = minutes{5};
  t.slot_step = minutes{5};
  // An event 17:00-18:00 local.
  const std::vector<busy_interval> busy{{utc(2026, 11, 3, 16), utc(2026, 11, 3, 17), false}};
  const auto s = slots(t, day_query(2026, 11, 3), long_ago, busy);
  BOOST_TEST(offers(s, utc(2026, 11, 3, 14, 55)));   // ends 16:55, after-buffer to 17:00
  BOOST_TEST(!offers(s, utc(2026, 11, 3, 15, 0)));
  BOOST_TEST(!offers(s, utc(2026, 11, 3, 17, 5)));
  BOOST_TEST(offers(s, utc(2026, 11, 3, 17, 10)));    // before-buffer from 18:00
}

BOOST_AUTO_TEST_CASE(school_holiday_spanning_a_weekend_closes_every_day_in_it) {
  tutor_rules t = plain_tutor();
  t.weekly[sat] = {{9 * 60, 13 * 60}};
  // Friday 2026-11-06 .. Monday 2026-11-09.
  const std::vector<date_range> holidays{{ymd(2026, 11, 6), ymd(2026, 11, 9), "lang weekend"}};
  const auto s = slots(t, day_query(2026, 11, 5, 60, 6), long_ago, {}, amsterdam(), holidays);
  BOOST_TEST(s.front().start == utc(2026, 11, 5, 14));  // Thursday 15:00
  BOOST_TEST(std::none_of(s.begin(), s.end(), [](const slot& x) {
    return x.start >= utc(2026, 11, 5, 23) && x.start < utc(2026, 11, 9, 23);
  }));
  BOOST_TEST(s.back().start >= utc(2026, 11, 10, 14));  // Tuesday is open again
}

BOOST_AUTO_TEST_CASE(date_override_opens_a_sunday) {
  tutor_rules t = plain_tutor();
  t.overrides = {{ymd(2026, 12, 13), {{10 * 60, 12 * 60}}}};
  t.slot_step = minutes{60};
  const auto s = slots(t, day_query(2026, 12, 13), long_ago);
  const std::vector<sys_seconds> want{utc(2026, 12, 13, 9), utc(2026, 12, 13, 10)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(empty_date_override_closes_a_working_day) {
  tutor_rules t = plain_tutor();
  t.overrides = {{ymd(2026, 11, 27), {}}};
  BOOST_TEST(slots(t, day_query(2026, 11, 27), long_ago).empty());
}

BOOST_AUTO_TEST_CASE(break_splits_the_afternoon) {
  tutor_rules t = plain_tutor();
  t.breaks[tue] = {{18 * 60, 18 * 60 + 30}};
  t.slot_step = minutes{30};
  const auto s = slots(t, day_query(2026, 11, 3), long_ago);
  BOOST_TEST(offers(s, utc(2026, 11, 3, 16)));        // 17:00-18:00 ends as the break starts
  BOOST_TEST(!offers(s, utc(2026, 11, 3, 16, 30)));
  BOOST_TEST(!offers(s, utc(2026, 11, 3, 17)));
  BOOST_TEST(offers(s, utc(2026, 11, 3, 17, 30)));    // 18:30 after the break
}

BOOST_AUTO_TEST_CASE(absence_removes_its_time) {
  tutor_rules t = plain_tutor();
  t.slot_step = minutes{30};
  t.absences = {{local_days{year{2026} / 11 / 12} + hours{15},
                 local_days{year{2026} / 11 / 12} + hours{17} + minutes{30}, "tandarts"}};
  const auto s = slots(t, day_query(2026, 11, 12), long_ago);
  BOOST_TEST(s.front().start == utc(2026, 11, 12, 16, 30));  // 17:30 local
}

BOOST_AUTO_TEST_CASE(min_notice_moves_the_first_slot) {
  tutor_rules t = plain_tutor();
  t.min_notice = hours{12};
  const sys_seconds now = utc(2026, 11, 3, 5, 7);  // 06:07 local: earliest start 18:07
  const auto s = slots(t, day_query(2026, 11, 3), now);
  BOOST_TEST(s.front().start == utc(2026, 11, 3, 17, 15));  // 18:15 local
}

BOOST_AUTO_TEST_CASE(horizon_ends_offers_at_now_plus_horizon) {
  tutor_rules t = plain_tutor();
  t.horizon = days{7};
  const sys_seconds now = utc(2026, 11, 2, 16);  // Monday 17:00 local
  const auto s = slots(t, day_query(2026, 11, 2, 60, 14), now);
  BOOST_TEST(s.back().start == utc(2026, 11, 9, 15, 45));  // next Monday 16:45 local
}

BOOST_AUTO_TEST_CASE(starts_are_aligned_to_the_step_from_the_range_start) {
  tutor_rules t = plain_tutor();
  t.weekly[tue] = {{15 * 60 + 10, 17 * 60}};
  t.slot_step = minutes{20};
  const auto s = slots(t, day_query(2026, 11, 3), long_ago);
  const std::vector<sys_seconds> want{utc(2026, 11, 3, 14, 10), utc(2026, 11, 3, 14, 30),
                                      utc(2026, 11, 3, 14, 50)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(daily_cap_closes_a_day_with_enough_bookings) {
  tutor_rules t = plain_tutor();
  t.max_lessons_per_day = 2;
  const std::vector<busy_interval> busy{{utc(2026, 11, 3, 14), utc(2026, 11, 3, 15), true},
                                        {utc(2026, 11, 3, 18), utc(2026, 11, 3, 19), true},
                                        {utc(2026, 11, 4, 14), utc(2026, 11, 4, 15), false}};
  const auto s = slots(t, day_query(2026, 11, 3, 60, 2), long_ago, busy);
  BOOST_TEST(s.front().start == utc(2026, 11, 4, 15));  // Wednesday, after the event
}

BOOST_AUTO_TEST_CASE(preferred_weekdays_and_parts_of_day_filter_by_local_start) {
  tutor_rules t = plain_tutor();
  t.slot_step = minutes{60};
  slot_query q = day_query(2026, 11, 2, 60, 7);
  q.weekdays = std::array<bool, 7>{false, false, false, true, false, false, false};  // wed
  q.parts_of_day = std::array<bool, 3>{false, false, true};                         // evening
  const auto s = slots(t, q, long_ago);
  const std::vector<sys_seconds> want{utc(2026, 11, 4, 17), utc(2026, 11, 4, 18),
                                      utc(2026, 11, 4, 19)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(limit_returns_the_earliest_slots_only) {
  slot_query q = day_query(2026, 11, 2, 60, 7);
  q.limit = 3;
  const auto s = slots(plain_tutor(), q, long_ago);
  const std::vector<sys_seconds> want{utc(2026, 11, 2, 14), utc(2026, 11, 2, 14, 15),
                                      utc(2026, 11, 2, 14, 30)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(leap_day_2028_is_a_normal_tuesday) {
  tutor_rules t = plain_tutor();
  t.slot_step = minutes{180};
  const auto s = slots(t, day_query(2028, 2, 29), long_ago);
  const std::vector<sys_seconds> want{utc(2028, 2, 29, 14), utc(2028, 2, 29, 17)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(lesson_never_crosses_local_midnight) {
  tutor_rules t = plain_tutor();
  t.weekly[mon] = {{23 * 60, 24 * 60}};
  t.weekly[tue] = {{0, 2 * 60}};
  t.slot_step = minutes{30};
  const auto s = slots(t, day_query(2026, 11, 2, 90, 2), long_ago);
  // Monday 23:00 would end at 00:30 Tuesday: not offered; Tuesday 00:00 and 00:30 are.
  const std::vector<sys_seconds> want{utc(2026, 11, 2, 23), utc(2026, 11, 2, 23, 30)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(lesson_ending_at_24_00_is_offered) {
  tutor_rules t = plain_tutor();
  t.weekly[mon] = {{22 * 60, 24 * 60}};
  t.slot_step = minutes{60};
  t.weekly[tue] = {};
  const auto s = slots(t, day_query(2026, 11, 2, 60, 2), long_ago);
  const std::vector<sys_seconds> want{utc(2026, 11, 2, 21), utc(2026, 11, 2, 22)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(new_york_zone_uses_its_own_dst_dates) {
  // New York springs forward on 2026-03-08, three weeks before Amsterdam.
  const auto* ny = date::locate_zone("America/New_York");
  tutor_rules t = plain_tutor();
  t.weekly = {};
  t.weekly[sun] = {{16 * 60, 17 * 60}};
  slot_query q;
  q.from = utc(2026, 3, 1, 0);
  q.to = utc(2026, 3, 16, 0);
  q.duration_minutes = 60;
  const auto s = slots(t, q, long_ago, {}, ny);
  const std::vector<sys_seconds> want{utc(2026, 3, 1, 21), utc(2026, 3, 8, 20),
                                      utc(2026, 3, 15, 20)};
  BOOST_TEST(starts(s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(duration_not_given_by_the_tutor_is_an_error) {
  const std::vector<busy_interval> none;
  const std::vector<date_range> no_holidays;
  const auto r =
      available_slots(plain_tutor(), amsterdam(), no_holidays, none, day_query(2026, 11, 3, 45),
                      long_ago);
  BOOST_REQUIRE(std::holds_alternative<availability_error>(r));
  BOOST_TEST(to_string(std::get<availability_error>(r)) == "duration_not_allowed");
}

BOOST_AUTO_TEST_CASE(busy_order_does_not_change_the_answer) {
  tutor_rules t = plain_tutor();
  t.buffer_after = minutes{5};
  std::vector<busy_interval> busy{{utc(2026, 11, 3, 17), utc(2026, 11, 3, 18), false},
                                  {utc(2026, 11, 3, 14), utc(2026, 11, 3, 15), true},
                                  {utc(2026, 11, 3, 15, 30), utc(2026, 11, 3, 16), true}};
  const auto a = slots(t, day_query(2026, 11, 3), long_ago, busy);
  std::reverse(busy.begin(), busy.end());
  BOOST_TEST(a == slots(t, day_query(2026, 11, 3), long_ago, busy), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(calendar_rules_overload_applies_school_holidays) {
  calendar_rules cal;
  cal.timezone = "Europe/Amsterdam";
  cal.school_holidays = {{ymd(2026, 11, 3), ymd(2026, 11, 3), "studiedag"}};
  const std::vector<busy_interval> none;
  const auto r = available_slots(plain_tutor(), cal, none, day_query(2026, 11, 3), long_ago);
  BOOST_REQUIRE(std::holds_alternative<std::vector<slot>>(r));
  BOOST_TEST(std::get<std::vector<slot>>(r).empty());
}

BOOST_AUTO_TEST_SUITE_END()
