#include <boost/test/unit_test.hpp>

#include "domain/reminder_plan.hpp"
#include "tests/unit/domain/amsterdam.hpp"

using namespace tutorbot::domain;
using tutorbot::domain::test::amsterdam;
using tutorbot::domain::test::local;
using namespace std::chrono_literals;

namespace {

const reminder_rules school{};  // 24 hours ahead, quiet 21:00–08:00
const auto long_ago = local(2027, 1, 1, 12, 0);

}  // namespace

BOOST_AUTO_TEST_SUITE(reminder_plan)

BOOST_AUTO_TEST_CASE(a_reminder_goes_out_a_day_ahead_outside_the_quiet_hours) {
  const auto due = reminder_due(local(2027, 3, 16, 16, 0), long_ago, school, amsterdam());
  BOOST_REQUIRE(due);
  BOOST_TEST((*due == local(2027, 3, 15, 16, 0)));
}

BOOST_AUTO_TEST_CASE(one_due_in_the_quiet_hours_goes_out_just_before_they_begin) {
  // Due 07:30: the quiet hours began at 21:00 the evening before.
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 7, 30), long_ago, school, amsterdam()) == local(2027, 3, 14, 20, 59)));
  // Due 22:00: they began at 21:00 that evening.
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 22, 0), long_ago, school, amsterdam()) == local(2027, 3, 15, 20, 59)));
  // Due 08:00 or 21:00 exactly: 08:00 is after them, 21:00 their first minute.
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 8, 0), long_ago, school, amsterdam()) == local(2027, 3, 15, 8, 0)));
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 21, 0), long_ago, school, amsterdam()) == local(2027, 3, 15, 20, 59)));
}

BOOST_AUTO_TEST_CASE(a_lesson_booked_inside_the_reminder_time_gets_none) {
  const auto start = local(2027, 3, 16, 16, 0);
  BOOST_TEST(!reminder_due(start, start - 10h, school, amsterdam()));
  BOOST_TEST(!reminder_due(start, start - 24h, school, amsterdam()));
  BOOST_TEST(reminder_due(start, start - 24h - 1s, school, amsterdam()).has_value());
}

BOOST_AUTO_TEST_CASE(a_lesson_booked_after_the_quiet_hours_began_is_reminded_when_they_end) {
  // Due 07:30 on the 15th, in the quiet hours that began at 21:00 on the 14th, before the
  // booking at 22:00: it goes out at 08:00 on the 15th, still 23.5 hours ahead of the lesson.
  const auto early = local(2027, 3, 16, 7, 30);
  BOOST_TEST((*reminder_due(early, local(2027, 3, 14, 22, 0), school, amsterdam()) == local(2027, 3, 15, 8, 0)));
  // Booked after they ended, the lesson is less than a day ahead: none.
  BOOST_TEST(!reminder_due(early, local(2027, 3, 15, 9, 0), school, amsterdam()));
  // Quiet hours that end after the lesson starts: none.
  const reminder_rules long_night{2h, {21h, 8h}};
  BOOST_TEST(!reminder_due(local(2027, 3, 16, 7, 30), local(2027, 3, 16, 1, 0), long_night, amsterdam()));
}

BOOST_AUTO_TEST_CASE(the_quiet_hours_are_local_time_and_may_run_past_midnight) {
  BOOST_TEST(in_quiet_hours(local(2027, 3, 15, 21, 0), school.quiet, amsterdam()));
  BOOST_TEST(in_quiet_hours(local(2027, 3, 16, 3, 0), school.quiet, amsterdam()));
  BOOST_TEST(in_quiet_hours(local(2027, 3, 16, 7, 59), school.quiet, amsterdam()));
  BOOST_TEST(!in_quiet_hours(local(2027, 3, 16, 8, 0), school.quiet, amsterdam()));
  BOOST_TEST(!in_quiet_hours(local(2027, 3, 16, 20, 59), school.quiet, amsterdam()));
  BOOST_TEST(!in_quiet_hours(local(2027, 3, 16, 3, 0), quiet_hours{0min, 0min}, amsterdam()));
}

BOOST_AUTO_TEST_CASE(hours_before_are_real_hours_across_a_dst_change) {
  // Sunday 28 March 2027 10:00 CEST is 08:00 UTC; 24 hours earlier is Saturday 09:00 CET.
  BOOST_TEST((*reminder_due(local(2027, 3, 28, 10, 0), long_ago, school, amsterdam()) == local(2027, 3, 27, 9, 0)));
  // Sunday 31 October 2027 10:00 CET is 09:00 UTC; 24 hours earlier is Saturday 11:00 CEST.
  BOOST_TEST((*reminder_due(local(2027, 10, 31, 10, 0), long_ago, school, amsterdam()) == local(2027, 10, 30, 11, 0)));
}

BOOST_AUTO_TEST_CASE(quiet_hours_within_one_day_and_none_at_all) {
  const reminder_rules lunch{24h, {12h, 13h}};
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 12, 30), long_ago, lunch, amsterdam()) == local(2027, 3, 15, 11, 59)));
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 13, 0), long_ago, lunch, amsterdam()) == local(2027, 3, 15, 13, 0)));
  const reminder_rules never_quiet{2h, {0min, 0min}};
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 3, 0), long_ago, never_quiet, amsterdam()) == local(2027, 3, 16, 1, 0)));
}

BOOST_AUTO_TEST_SUITE_END()
