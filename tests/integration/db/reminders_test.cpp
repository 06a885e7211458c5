// Reminders as rows: planned once per lesson, channel and sequence; released once when due;
// never for a lesson that moved or was cancelled after it was planned (issue 16).
#include <boost/test/unit_test.hpp>

#include "actors/reminders.hpp"
#include "db/reminders.hpp"
#include "tests/integration/db/bookings_fixture.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
using testing::at;
using testing::bookings_db;

namespace {

struct reminders_db : bookings_db {
  // A confirmed lesson of anouk's at `start`.
  domain::booking lesson(const char* start) {
    auto held = db::insert_hold(conn, hold("anouk", start));
    const auto id = std::get<domain::booking>(held).id;
    return std::get<domain::booking>(db::confirm_hold(conn, id, at("2029-01-01T00:00:00Z"), {"Eva", "cash"}));
  }
  long reminders_queued() { return scalar("SELECT count(*) FROM outbox WHERE kind LIKE 'reminder.%'"); }
  void exec(const std::string& sql) {
    pqxx::connection c(url);
    pqxx::nontransaction(c).exec(sql);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(reminders, reminders_db)

BOOST_AUTO_TEST_CASE(a_planned_reminder_is_released_once_when_due) {
  const auto b = lesson("2029-03-06T15:00:00Z");
  auto unplanned = db::unplanned_reminders(conn, db::reminder_channel::whatsapp, at("2029-03-01T00:00:00Z"), at("2029-03-10T00:00:00Z"), 10);
  BOOST_REQUIRE_EQUAL(unplanned.size(), 1u);
  BOOST_TEST(unplanned[0].booking.id.value == b.id.value);
  db::plan_reminder(conn, b.id, b.invite_sequence, db::reminder_channel::whatsapp, at("2029-03-05T15:00:00Z"));
  db::plan_reminder(conn, b.id, b.invite_sequence, db::reminder_channel::whatsapp, at("2029-03-05T09:00:00Z"));  // kept: the first
  BOOST_TEST(db::unplanned_reminders(conn, db::reminder_channel::whatsapp, at("2029-03-01T00:00:00Z"), at("2029-03-10T00:00:00Z"), 10).empty());
  BOOST_TEST(db::unplanned_reminders(conn, db::reminder_channel::email, at("2029-03-01T00:00:00Z"), at("2029-03-10T00:00:00Z"), 10).size() == 1u);

  BOOST_TEST(db::release_due_reminders(conn, at("2029-03-05T14:59:59Z"), 10).empty());
  const auto released = db::release_due_reminders(conn, at("2029-03-05T15:00:00Z"), 10);
  BOOST_REQUIRE_EQUAL(released.size(), 1u);
  BOOST_TEST(released[0].booking_id == b.id.value);
  BOOST_TEST(reminders_queued() == 1);
  BOOST_TEST(db::release_due_reminders(conn, at("2029-03-05T16:00:00Z"), 10).empty());
  BOOST_TEST(reminders_queued() == 1);
}

BOOST_AUTO_TEST_CASE(a_lesson_moved_or_cancelled_after_planning_drops_the_old_plan) {
  const auto moved = lesson("2029-03-06T15:00:00Z");
  db::plan_reminder(conn, moved.id, moved.invite_sequence, db::reminder_channel::whatsapp, at("2029-03-05T15:00:00Z"));
  auto onto = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2029-03-07T15:00:00Z")));
  BOOST_REQUIRE(std::holds_alternative<domain::booking>(db::reschedule_onto_hold(conn, moved.id, onto.id, at("2029-01-02T00:00:00Z"))));
  const auto cancelled = lesson("2029-03-06T18:00:00Z");
  db::plan_reminder(conn, cancelled.id, cancelled.invite_sequence, db::reminder_channel::email, at("2029-03-05T18:00:00Z"));
  BOOST_REQUIRE(std::holds_alternative<domain::booking>(db::cancel_booking(conn, cancelled.id, at("2029-01-02T00:00:00Z"), "student")));

  BOOST_TEST(db::release_due_reminders(conn, at("2029-03-05T20:00:00Z"), 10).empty());
  BOOST_TEST(reminders_queued() == 0);
  BOOST_TEST(scalar("SELECT count(*) FROM lesson_reminders WHERE dropped_at IS NOT NULL") == 2);
  // The moved lesson is unplanned again, at its new sequence.
  auto again = db::unplanned_reminders(conn, db::reminder_channel::whatsapp, at("2029-03-01T00:00:00Z"), at("2029-03-10T00:00:00Z"), 10);
  BOOST_REQUIRE_EQUAL(again.size(), 1u);
  BOOST_TEST(again[0].booking.invite_sequence == 1);
}

BOOST_AUTO_TEST_CASE(a_lesson_that_needs_no_reminder_is_planned_as_none) {
  const auto b = lesson("2029-03-06T15:00:00Z");
  db::plan_reminder(conn, b.id, b.invite_sequence, db::reminder_channel::whatsapp, std::nullopt);
  BOOST_TEST(db::unplanned_reminders(conn, db::reminder_channel::whatsapp, at("2029-03-01T00:00:00Z"), at("2029-03-10T00:00:00Z"), 10).empty());
  BOOST_TEST(db::release_due_reminders(conn, at("2029-03-06T14:00:00Z"), 10).empty());
}

BOOST_AUTO_TEST_SUITE_END()

// One round of the reminders actor, at moments of the test's choosing.
BOOST_FIXTURE_TEST_SUITE(reminder_rounds, reminders_db)

BOOST_AUTO_TEST_CASE(a_round_plans_the_lessons_ahead_and_queues_each_reminder_once_when_due) {
  actors::reminders_settings settings;
  settings.zone = date::locate_zone("Europe/Amsterdam");
  settings.whatsapp = true;
  settings.email = true;
  // Tuesday 6 March 2029 16:00 in Amsterdam; the reminders are due on Monday at 16:00.
  lesson("2029-03-06T15:00:00Z");
  // Two days ahead it is not planned yet; a day and a bit ahead it is.
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-04T12:00:00Z")) == 0u);
  BOOST_TEST(scalar("SELECT count(*) FROM lesson_reminders") == 0);
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-05T12:00:00Z")) == 0u);
  BOOST_TEST(scalar("SELECT count(*) FROM lesson_reminders WHERE due_at = '2029-03-05T15:00:00Z'") == 2);
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-05T15:00:00Z")) == 2u);
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-05T15:01:00Z")) == 0u);
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'reminder.whatsapp'") == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'reminder.email'") == 1);
}

BOOST_AUTO_TEST_CASE(a_lesson_confirmed_inside_the_reminder_time_gets_none) {
  actors::reminders_settings settings;
  settings.zone = date::locate_zone("Europe/Amsterdam");
  settings.whatsapp = true;
  // Confirmed at 2029-01-01 (the fixture's clock) but last changed now, 10 hours before it starts.
  const auto b = lesson("2029-03-06T15:00:00Z");
  exec("UPDATE bookings SET last_change_at = '2029-03-06T05:00:00Z' WHERE id = '" + b.id.value + "'");
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-06T05:00:01Z")) == 0u);
  BOOST_TEST(scalar("SELECT count(*) FROM lesson_reminders WHERE due_at IS NULL AND dropped_at IS NOT NULL") == 1);
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-06T14:00:00Z")) == 0u);
}

BOOST_AUTO_TEST_CASE(nothing_is_released_in_the_quiet_hours_what_fell_due_waits_for_their_end) {
  actors::reminders_settings settings;
  settings.zone = date::locate_zone("Europe/Amsterdam");
  settings.whatsapp = true;
  // Due on Monday at 16:00 in Amsterdam; planned at 13:00.
  lesson("2029-03-06T15:00:00Z");
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-05T12:00:00Z")) == 0u);
  // tutorbot was down from before it fell due until 23:00: nothing goes out in the night.
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-05T22:00:00Z")) == 0u);
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-06T06:59:00Z")) == 0u);
  BOOST_TEST(actors::plan_and_release_reminders(conn, settings, at("2029-03-06T07:00:00Z")) == 1u);  // 08:00
}

BOOST_AUTO_TEST_SUITE_END()
