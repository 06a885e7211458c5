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

BOOST_AUTO_TEST_CASE(one_due_in_the_quiet_hours_goes_out_when_they_begin) {
  // Due 07:30: the quiet hours began at 21:00 the evening before.
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 7, 30), long_ago, school, amsterdam()) == local(2027, 3, 14, 21, 0)));
  // Due 22:00: they began at 21:00 that evening.
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 22, 0), long_ago, school, amsterdam()) == local(2027, 3, 15, 21, 0)));
  // Due 08:00 or 21:00 exactly: 08:00 is after them, 21:00 their first minute.
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 8, 0), long_ago, school, amsterdam()) == local(2027, 3, 15, 8, 0)));
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 21, 0), long_ago, school, amsterdam()) == local(2027, 3, 15, 21, 0)));
}

BOOST_AUTO_TEST_CASE(a_lesson_booked_inside_the_reminder_time_gets_none) {
  const auto start = local(2027, 3, 16, 16, 0);
  BOOST_TEST(!reminder_due(start, start - 10h, school, amsterdam()));
  BOOST_TEST(!reminder_due(start, start - 24h, school, amsterdam()));
  BOOST_TEST(reminder_due(start, start - 24h - 1s, school, amsterdam()).has_value());
  // Moved to the quiet hours' start, the reminder may fall before the booking: none then.
  const auto early = local(2027, 3, 16, 7, 30);
  BOOST_TEST(!reminder_due(early, local(2027, 3, 14, 22, 0), school, amsterdam()));
}

BOOST_AUTO_TEST_CASE(hours_before_are_real_hours_across_a_dst_change) {
  // Sunday 28 March 2027 10:00 CEST is 08:00 UTC; 24 hours earlier is Saturday 09:00 CET.
  BOOST_TEST((*reminder_due(local(2027, 3, 28, 10, 0), long_ago, school, amsterdam()) == local(2027, 3, 27, 9, 0)));
  // Sunday 31 October 2027 10:00 CET is 09:00 UTC; 24 hours earlier is Saturday 11:00 CEST.
  BOOST_TEST((*reminder_due(local(2027, 10, 31, 10, 0), long_ago, school, amsterdam()) == local(2027, 10, 30, 11, 0)));
}

BOOST_AUTO_TEST_CASE(quiet_hours_within_one_day_and_none_at_all) {
  const reminder_rules lunch{24h, {12h, 13h}};
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 12, 30), long_ago, lunch, amsterdam()) == local(2027, 3, 15, 12, 0)));
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 13, 0), long_ago, lunch, amsterdam()) == local(2027, 3, 15, 13, 0)));
  const reminder_rules never_quiet{2h, {0min, 0min}};
  BOOST_TEST((*reminder_due(local(2027, 3, 16, 3, 0), long_ago, never_quiet, amsterdam()) == local(2027, 3, 16, 1, 0)));
}

BOOST_AUTO_TEST_SUITE_END()
