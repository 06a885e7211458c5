#include <boost/test/unit_test.hpp>

#include "config_test_support.hpp"

using namespace tutorbot::config;
using namespace tutorbot::config::test;

namespace {

// A calendar file with `tutor_lines` spliced in as the first tutor's extra lines,
// starting on line 10.
std::string calendar_with(const std::string& tutor_lines) { return std::string(minimal_calendar) + tutor_lines; }

std::variant<config, std::vector<problem>> load_calendar(const temp_config& t, const std::string& text) {
  t.write("calendar_config.yaml", text);
  return load_config(t.dir(), fake_env({}));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(calendar_config)

BOOST_AUTO_TEST_CASE(minimal_files_are_valid) {
  const temp_config t;
  const auto r = load_config(t.dir(), fake_env({}));
  BOOST_TEST(valid(r).calendar.tutors.size() == 1u);
}

BOOST_AUTO_TEST_CASE(hours_not_hh_mm_is_reported_with_file_line_and_key) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("      tue: [\"9:00-17:00\"]\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[0].hours.tue[0]",
                      "\"9:00-17:00\" is not HH:MM-HH:MM");
  BOOST_TEST(to_string(problems_of(r)[0]) ==
             t.file("calendar_config.yaml") +
                 ":10: tutors[0].hours.tue[0]: \"9:00-17:00\" is not HH:MM-HH:MM");
}

BOOST_AUTO_TEST_CASE(range_ending_before_its_start_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("      tue: [\"17:00-09:00\"]\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[0].hours.tue[0]",
                      "the end is not after the start");
}

BOOST_AUTO_TEST_CASE(range_ending_at_its_start_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("      tue: [\"15:00-15:00\"]\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[0].hours.tue[0]",
                      "the end is not after the start");
}

BOOST_AUTO_TEST_CASE(range_may_end_at_midnight) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("      tue: [\"20:00-24:00\"]\n"));
  BOOST_TEST(valid(r).calendar.tutors[0].weekly[2][0].end == 1440);
}

BOOST_AUTO_TEST_CASE(overlapping_hours_within_a_day_are_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("      tue:\n        - \"15:00-18:00\"\n        - \"17:00-21:00\"\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 12, "tutors[0].hours.tue",
                      "\"17:00-21:00\" overlaps \"15:00-18:00\"");
}

BOOST_AUTO_TEST_CASE(break_ending_before_its_start_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    breaks:\n      all: [\"18:30-18:00\"]\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 11, "tutors[0].breaks.all[0]",
                      "the end is not after the start");
}

BOOST_AUTO_TEST_CASE(break_outside_the_working_hours_of_its_day_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    breaks:\n      mon: [\"12:00-12:30\"]\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 11, "tutors[0].breaks.mon[0]",
                      "outside the working hours on mon");
}

BOOST_AUTO_TEST_CASE(break_for_all_days_applies_to_every_weekday) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    breaks:\n      all: [\"18:00-18:30\"]\n"));
  const auto& tutor = valid(r).calendar.tutors[0];
  for (const auto& day : tutor.breaks) BOOST_TEST(day.size() == 1u);
}

BOOST_AUTO_TEST_CASE(unknown_key_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    buffer_befor_minutes: 10\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[0].buffer_befor_minutes",
                      "unknown key");
}

BOOST_AUTO_TEST_CASE(unknown_key_in_defaults_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, R"(timezone: Europe/Amsterdam
defaults:
  buffer_befor: 10
tutors:
  - id: anouk
    name: Anouk
    hours: {mon: ["15:00-21:00"]}
)");
  expect_only_problem(r, t.file("calendar_config.yaml"), 3, "defaults.buffer_befor", "unknown key");
}

BOOST_AUTO_TEST_CASE(text_where_an_integer_belongs_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    max_lessons_per_day: many\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[0].max_lessons_per_day",
                      "expected an integer");
}

BOOST_AUTO_TEST_CASE(scalar_where_a_list_belongs_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    durations_minutes: 60\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[0].durations_minutes",
                      "expected a list");
}

BOOST_AUTO_TEST_CASE(unknown_timezone_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, R"(timezone: Europe/Amsterdamm
tutors:
  - id: anouk
    name: Anouk
    hours: {mon: ["15:00-21:00"]}
)");
  expect_only_problem(r, t.file("calendar_config.yaml"), 1, "timezone", "not a known time zone");
}

BOOST_AUTO_TEST_CASE(duplicate_tutor_id_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with(R"(  - id: anouk
    name: Anouk Bakker
    hours: {tue: ["15:00-21:00"]}
)"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[1].id",
                      "\"anouk\" is used by another tutor too");
}

BOOST_AUTO_TEST_CASE(duration_that_is_not_positive_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    durations_minutes: [60, 0]\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[0].durations_minutes[1]",
                      "not a positive number of minutes");
}

BOOST_AUTO_TEST_CASE(duration_off_the_slot_step_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    durations_minutes: [60, 50]\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[0].durations_minutes",
                      "50 is not a multiple of slot_step_minutes (15)");
}

BOOST_AUTO_TEST_CASE(absence_ending_before_it_starts_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with(R"(    absences:
      - from: "2026-11-12 15:00"
        to: "2026-11-12 14:00"
)"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 12, "tutors[0].absences[0].to",
                      "ends before or when it starts");
}

BOOST_AUTO_TEST_CASE(absence_given_as_dates_covers_whole_days) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    absences:\n      - {from: 2026-11-12, to: 2026-11-13}\n"));
  using namespace std::chrono;
  const auto& a = valid(r).calendar.tutors[0].absences.at(0);
  BOOST_TEST((a.begin == local_days{2026y / November / 12}));
  BOOST_TEST((a.end == local_days{2026y / November / 14}));
}

BOOST_AUTO_TEST_CASE(holiday_ending_before_it_starts_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, R"(timezone: Europe/Amsterdam
school_holidays:
  - name: kerstvakantie
    from: 2026-12-19
    to: 2026-12-03
tutors:
  - id: anouk
    name: Anouk
    hours: {mon: ["15:00-21:00"]}
)");
  expect_only_problem(r, t.file("calendar_config.yaml"), 5, "school_holidays[0].to",
                      "2026-12-03 is before from 2026-12-19");
}

BOOST_AUTO_TEST_CASE(override_with_empty_hours_closes_the_day) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    overrides:\n      - {date: 2026-11-30, hours: []}\n"));
  using namespace std::chrono;
  const auto& tutor = valid(r).calendar.tutors[0];
  BOOST_TEST(tutor.hours_on(2026y / November / 30).empty());  // a Monday
  BOOST_TEST(tutor.hours_on(2026y / November / 23).size() == 1u);
}

BOOST_AUTO_TEST_CASE(invalid_date_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, calendar_with("    days_off: [2026-02-30]\n"));
  expect_only_problem(r, t.file("calendar_config.yaml"), 10, "tutors[0].days_off[0]",
                      "is not a date YYYY-MM-DD");
}

BOOST_AUTO_TEST_CASE(missing_required_key_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, R"(timezone: Europe/Amsterdam
tutors:
  - id: anouk
    hours: {mon: ["15:00-21:00"]}
)");
  expect_only_problem(r, t.file("calendar_config.yaml"), 3, "tutors[0].name", "is required");
}

BOOST_AUTO_TEST_CASE(series_rules_are_read_and_default_when_absent) {
  const temp_config t;
  const auto absent = load_config(t.dir(), fake_env({}));
  BOOST_TEST(valid(absent).calendar.series.max_lessons == 20);
  BOOST_TEST((valid(absent).calendar.series.on_clash == tutorbot::domain::collision_policy::skip_date));
  const auto r = load_calendar(t, std::string(minimal_calendar) + "series:\n  max_lessons: 12\n  horizon_weeks: 30\n  on_clash: move\n");
  const auto& series = valid(r).calendar.series;
  BOOST_TEST(series.max_lessons == 12);
  BOOST_TEST(series.horizon.count() == 30 * 7);
  BOOST_TEST((series.on_clash == tutorbot::domain::collision_policy::move_within_week));
}

BOOST_AUTO_TEST_CASE(a_series_policy_the_chat_cannot_follow_is_reported) {
  const temp_config t;
  const auto r = load_calendar(t, std::string(minimal_calendar) + "series:\n  on_clash: reject\n");
  expect_only_problem(r, t.file("calendar_config.yaml"), 11, "series.on_clash",
                      "\"reject\" is not a policy: use skip, move or extend");
  const auto too_many = load_calendar(t, std::string(minimal_calendar) + "series:\n  max_lessons: 105\n");
  BOOST_TEST(problems_of(too_many)[0].key == "series.max_lessons");
}

BOOST_AUTO_TEST_SUITE_END()
