#include <boost/test/unit_test.hpp>

#include <variant>

#include <date/tz.h>

#include "tests/unit/domain/amsterdam.hpp"
#include "domain/recurrence.hpp"

using namespace std::chrono;
using namespace tutorbot::domain;

namespace {

sys_seconds utc(int y, unsigned mo, unsigned d, int h, int mi = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

using test::amsterdam;

std::vector<sys_seconds> starts(const std::vector<slot>& v) {
  std::vector<sys_seconds> out;
  for (const auto& s : v) out.push_back(s.start);
  return out;
}

std::vector<slot> occ(const series_request& r) {
  auto v = occurrences(r, amsterdam());
  BOOST_REQUIRE(std::holds_alternative<std::vector<slot>>(v));
  return std::get<std::vector<slot>>(v);
}

// Tuesdays 16:00 local from 2026-11-03, three weekly lessons.
series_request three_tuesdays() {
  series_request r;
  r.first_start = utc(2026, 11, 3, 15);
  r.duration_minutes = 60;
  r.count = 3;
  return r;
}

// Taken on 2026-11-10 only.
std::optional<collision_reason> busy_on_10_november(const slot& s) {
  if (s.start == utc(2026, 11, 10, 15)) return collision_reason::taken;
  return std::nullopt;
}

series_plan plan(collision_policy p) {
  auto v = plan_series(three_tuesdays(), amsterdam(), p, busy_on_10_november);
  BOOST_REQUIRE(std::holds_alternative<series_plan>(v));
  return std::get<series_plan>(v);
}

}  // namespace

namespace std::chrono {
inline std::ostream& boost_test_print_type(std::ostream& os, const sys_seconds& t) {
  return os << date::format("%FT%TZ", t);
}
}  // namespace std::chrono

BOOST_AUTO_TEST_SUITE(recurrence)

BOOST_AUTO_TEST_CASE(weekly_series_across_fall_back_keeps_16_local) {
  series_request r;
  r.first_start = utc(2026, 10, 13, 14);  // 16:00 CEST
  r.count = 3;
  const std::vector<sys_seconds> want{utc(2026, 10, 13, 14), utc(2026, 10, 20, 14),
                                      utc(2026, 10, 27, 15)};  // 16:00 CET after 25 Oct
  BOOST_TEST(starts(occ(r)) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(weekly_series_across_spring_forward_keeps_16_local) {
  series_request r;
  r.first_start = utc(2027, 3, 23, 15);  // 16:00 CET
  r.count = 2;
  const std::vector<sys_seconds> want{utc(2027, 3, 23, 15), utc(2027, 3, 30, 14)};
  BOOST_TEST(starts(occ(r)) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(biweekly_series_skips_a_week) {
  series_request r = three_tuesdays();
  r.interval_weeks = 2;
  const std::vector<sys_seconds> want{utc(2026, 11, 3, 15), utc(2026, 11, 17, 15),
                                      utc(2026, 12, 1, 15)};
  BOOST_TEST(starts(occ(r)) == want, boost::test_tools::per_element());
  BOOST_TEST(occ(r).front().end == utc(2026, 11, 3, 16));
}

BOOST_AUTO_TEST_CASE(until_date_is_inclusive) {
  series_request r = three_tuesdays();
  r.count.reset();
  r.until = year{2026} / 11 / 17;
  BOOST_TEST(occ(r).size() == 3u);
  r.until = year{2026} / 11 / 16;
  BOOST_TEST(occ(r).size() == 2u);
}

BOOST_AUTO_TEST_CASE(count_and_until_together_is_an_error) {
  series_request r = three_tuesdays();
  r.until = year{2026} / 12 / 1;
  const auto v = occurrences(r, amsterdam());
  BOOST_REQUIRE(std::holds_alternative<series_error>(v));
  BOOST_TEST(to_string(std::get<series_error>(v)) == "count_or_until_required");
}

BOOST_AUTO_TEST_CASE(reject_series_books_nothing_and_reports_the_collision) {
  const auto p = plan(collision_policy::reject_series);
  BOOST_TEST(p.rejected);
  BOOST_TEST(p.lessons.empty());
  BOOST_REQUIRE(p.collisions.size() == 1u);
  BOOST_TEST((p.collisions[0].date == year{2026} / 11 / 10));
  BOOST_TEST(to_string(p.collisions[0].reason) == "taken");
  BOOST_TEST(recurrence_lines(p, amsterdam()).empty());
}

BOOST_AUTO_TEST_CASE(skip_date_books_the_rest_and_excludes_the_date) {
  const auto p = plan(collision_policy::skip_date);
  BOOST_TEST(!p.rejected);
  const std::vector<sys_seconds> want{utc(2026, 11, 3, 15), utc(2026, 11, 17, 15)};
  BOOST_TEST(starts(p.lessons) == want, boost::test_tools::per_element());
  const std::vector<std::string> lines{"RRULE:FREQ=WEEKLY;COUNT=3",
                                       "EXDATE;TZID=Europe/Amsterdam:20261110T160000"};
  BOOST_TEST(recurrence_lines(p, amsterdam()) == lines, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(append_at_end_adds_the_next_free_date_after_the_series) {
  const auto p = plan(collision_policy::append_at_end);
  const std::vector<sys_seconds> want{utc(2026, 11, 3, 15), utc(2026, 11, 17, 15),
                                      utc(2026, 11, 24, 15)};
  BOOST_TEST(starts(p.lessons) == want, boost::test_tools::per_element());
  BOOST_TEST(p.unfilled == 0);
  const std::vector<std::string> lines{"RRULE:FREQ=WEEKLY;COUNT=4",
                                       "EXDATE;TZID=Europe/Amsterdam:20261110T160000"};
  BOOST_TEST(recurrence_lines(p, amsterdam()) == lines, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(append_at_end_is_bounded_when_nothing_is_free) {
  auto v = plan_series(three_tuesdays(), amsterdam(), collision_policy::append_at_end,
                       [](const slot&) { return std::optional{collision_reason::closed}; });
  const auto& p = std::get<series_plan>(v);
  BOOST_TEST(p.lessons.empty());
  BOOST_TEST(p.unfilled == 3);
  BOOST_TEST(p.collisions.size() == 3u + static_cast<std::size_t>(max_appended_probes));
}

BOOST_AUTO_TEST_CASE(rrule_with_interval_and_count) {
  series_request r = three_tuesdays();
  r.interval_weeks = 2;
  r.count = 10;
  BOOST_TEST(rrule(r, amsterdam()) == "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=10");
}

BOOST_AUTO_TEST_CASE(rrule_until_is_the_end_of_the_local_day_in_utc) {
  series_request r = three_tuesdays();
  r.count.reset();
  r.until = year{2027} / 6 / 12;  // CEST: local 23:59:59 is 21:59:59Z
  BOOST_TEST(rrule(r, amsterdam()) == "RRULE:FREQ=WEEKLY;UNTIL=20270612T215959Z");
}

BOOST_AUTO_TEST_CASE(availability_check_names_the_reason) {
  tutor_rules t;
  t.weekly[2] = {{15 * 60, 21 * 60}};  // Tuesdays
  t.durations_minutes = {60};
  t.horizon = days{365};
  const std::vector<date_range> holidays{{year{2026} / 11 / 17, year{2026} / 11 / 17, "studiedag"}};
  const std::vector<busy_interval> busy{{utc(2026, 11, 10, 15), utc(2026, 11, 10, 16), false}};
  const auto check = availability_check(t, amsterdam(), holidays, busy, utc(2026, 11, 1, 0));
  BOOST_TEST(!check({utc(2026, 11, 3, 15), utc(2026, 11, 3, 16)}).has_value());
  BOOST_TEST(to_string(check({utc(2026, 11, 10, 15), utc(2026, 11, 10, 16)})->reason) == "taken");
  BOOST_TEST(to_string(check({utc(2026, 11, 17, 15), utc(2026, 11, 17, 16)})->reason) == "closed");
  BOOST_TEST(to_string(check({utc(2026, 11, 24, 20), utc(2026, 11, 24, 21)})->reason) == "outside_hours");
}

BOOST_AUTO_TEST_CASE(a_date_closed_by_a_holiday_or_a_day_off_is_named_so_the_student_hears_why) {
  tutor_rules t;
  t.weekly[2] = {{15 * 60, 21 * 60}};  // Tuesdays
  t.durations_minutes = {60};
  t.horizon = days{365};
  t.days_off = {{year{2026} / 11 / 24, year{2026} / 11 / 24, "congres"}};
  const std::vector<date_range> holidays{{year{2026} / 11 / 17, year{2026} / 11 / 17, "studiedag"}};
  const auto check = availability_check(t, amsterdam(), holidays, {}, utc(2026, 11, 1, 0));
  BOOST_TEST(check({utc(2026, 11, 17, 15), utc(2026, 11, 17, 16)})->name == "studiedag");
  BOOST_TEST(check({utc(2026, 11, 24, 15), utc(2026, 11, 24, 16)})->name == "congres");
  series_request r = three_tuesdays();
  r.first_start = utc(2026, 11, 10, 15);
  const auto p = std::get<series_plan>(plan_series(r, amsterdam(), collision_policy::skip_date, check));
  BOOST_REQUIRE(p.collisions.size() == 2u);
  BOOST_TEST(p.collisions[0].name == "studiedag");
  BOOST_TEST(to_string(p.collisions[1].reason) == "closed");
  BOOST_TEST(p.collisions[1].name == "congres");
}

namespace {

// The free hours the week of 9 November offers besides the busy Tuesday 16:00, as a finder
// that records the windows it was asked for.
struct week_of_9_november {
  std::vector<slot> free{{utc(2026, 11, 9, 14), utc(2026, 11, 9, 15)},    // Mon 15:00, 25 h before
                         {utc(2026, 11, 10, 13), utc(2026, 11, 10, 14)},  // Tue 14:00, 2 h before
                         {utc(2026, 11, 10, 17), utc(2026, 11, 10, 18)},  // Tue 18:00, 2 h after
                         {utc(2026, 11, 11, 15), utc(2026, 11, 11, 16)}}; // Wed 16:00, a day after
  std::vector<std::pair<sys_seconds, sys_seconds>> asked;
  free_slot_finder finder() {
    return [this](sys_seconds from, sys_seconds to) {
      asked.emplace_back(from, to);
      std::vector<slot> out;
      for (const auto& s : free)
        if (s.start >= from && s.end <= to) out.push_back(s);
      return out;
    };
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(move_within_week_takes_the_nearest_free_time_of_that_local_week_the_earlier_on_a_tie) {
  week_of_9_november week;
  const auto p = std::get<series_plan>(
      plan_series(three_tuesdays(), amsterdam(), collision_policy::move_within_week, busy_on_10_november, week.finder()));
  BOOST_REQUIRE(week.asked.size() == 1u);
  // Monday 00:00 to the next Monday 00:00, local (CET: an hour earlier in UTC).
  BOOST_TEST(week.asked[0].first == utc(2026, 11, 8, 23));
  BOOST_TEST(week.asked[0].second == utc(2026, 11, 15, 23));
  const std::vector<sys_seconds> want{utc(2026, 11, 3, 15), utc(2026, 11, 10, 13), utc(2026, 11, 17, 15)};
  BOOST_TEST(starts(p.lessons) == want, boost::test_tools::per_element());
  BOOST_REQUIRE(p.moved.size() == 1u);
  BOOST_TEST(p.moved[0].from.start == utc(2026, 11, 10, 15));
  BOOST_TEST(p.unfilled == 0);
  const std::vector<std::string> lines{"RRULE:FREQ=WEEKLY;COUNT=3", "EXDATE;TZID=Europe/Amsterdam:20261110T160000",
                                       "RDATE;TZID=Europe/Amsterdam:20261110T140000"};
  BOOST_TEST(recurrence_lines(p, amsterdam()) == lines, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(move_within_week_skips_a_week_with_no_free_time_left) {
  week_of_9_november week;
  week.free = {{utc(2026, 11, 17, 15), utc(2026, 11, 17, 17)}};  // a longer time, in another week
  const auto p = std::get<series_plan>(
      plan_series(three_tuesdays(), amsterdam(), collision_policy::move_within_week, busy_on_10_november, week.finder()));
  BOOST_TEST(p.lessons.size() == 2u);
  BOOST_TEST(p.moved.empty());
  BOOST_TEST(p.unfilled == 1);
  // Without a finder nothing can move: the lost dates are skipped, not invented.
  const auto blind = std::get<series_plan>(
      plan_series(three_tuesdays(), amsterdam(), collision_policy::move_within_week, busy_on_10_november));
  BOOST_TEST(blind.lessons.size() == 2u);
  BOOST_TEST(blind.unfilled == 1);
}

BOOST_AUTO_TEST_SUITE_END()
