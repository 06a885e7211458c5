// A series' lessons are held all or none under the exclusion constraint, also when two
// transactions race for the same weekly slot, and cancelled together from a date on.
#include <boost/test/unit_test.hpp>

#include <future>

#include "db/booking_notifications.hpp"
#include "db/series.hpp"
#include "tests/support/eventually.hpp"
#include "tests/integration/db/bookings_fixture.hpp"

using namespace tutorbot;
using testing::at;
using std::chrono::sys_seconds;

namespace {

struct series_db : testing::bookings_db {
  // Weekly lessons of `tutor` from `first_utc`, one hold each.
  db::new_series weekly(const char* tutor, const char* first_utc, int count, const std::string& student) {
    db::new_series s;
    s.tutor = domain::tutor_id{tutor};
    s.student_ref = student;
    s.first_start = at(first_utc);
    s.duration_minutes = 60;
    s.interval_weeks = 1;
    s.rrule = "RRULE:FREQ=WEEKLY;COUNT=" + std::to_string(count);
    s.asked_rule = s.rrule;
    s.on_clash = "reject";
    s.clashes = "[]";
    for (int k = 0; k < count; ++k) {
      auto h = hold(tutor, first_utc);
      const auto shift = std::chrono::weeks{k};
      h.lesson_start += shift;
      h.lesson_end += shift;
      h.blocked_start += shift;
      h.blocked_end += shift;
      h.student_ref = student;
      s.holds.push_back(h);
    }
    return s;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(series, series_db)

BOOST_AUTO_TEST_CASE(every_lesson_is_held_under_the_series_and_read_back_in_order) {
  auto stored = std::get<db::stored_series>(db::insert_series(conn, weekly("anouk", "2030-03-05T15:00:00Z", 4, "s1")));
  BOOST_TEST(stored.bookings.size() == 4u);
  BOOST_TEST(stored.rrule == "RRULE:FREQ=WEEKLY;COUNT=4");
  BOOST_TEST(stored.student_ref == "s1");
  for (std::size_t k = 1; k < stored.bookings.size(); ++k)
    BOOST_TEST((stored.bookings[k].lesson_start - stored.bookings[k - 1].lesson_start == std::chrono::weeks{1}));
  BOOST_TEST(scalar("SELECT count(*) FROM bookings WHERE series_id = '" + stored.id + "' AND status = 'held'") == 4);
  auto found = db::find_series(conn, stored.id);
  BOOST_REQUIRE(found.has_value());
  BOOST_TEST(found->bookings.size() == 4u);
  BOOST_TEST(!db::find_series(conn, "not-a-uuid").has_value());
  BOOST_TEST(!db::find_series(conn, "00000000-0000-0000-0000-000000000000").has_value());
}

BOOST_AUTO_TEST_CASE(a_series_asked_again_while_held_is_the_same_series) {
  auto first = std::get<db::stored_series>(db::insert_series(conn, weekly("anouk", "2030-03-05T15:00:00Z", 4, "s1")));
  auto again = db::insert_series(conn, weekly("anouk", "2030-03-05T15:00:00Z", 4, "s1"));
  BOOST_REQUIRE(std::holds_alternative<db::stored_series>(again));
  BOOST_TEST(std::get<db::stored_series>(again).id == first.id);
  BOOST_TEST(scalar("SELECT count(*) FROM series") == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM bookings") == 4);
  // Another student asking the same is refused.
  BOOST_TEST(std::holds_alternative<db::series_lesson_taken>(db::insert_series(conn, weekly("anouk", "2030-03-05T15:00:00Z", 4, "s2"))));
}

BOOST_AUTO_TEST_CASE(a_booking_notification_says_whose_booking_it_is) {
  // Another instance's calendar learns of a hold from it, and must know it as the student's own
  // when they ask again.
  db::booking_listener listener(url);
  listener.poll(std::chrono::milliseconds{50});  // LISTENs
  auto h = hold("anouk", "2030-03-05T15:00:00Z");
  h.student_ref = "conversation-7";
  BOOST_REQUIRE(std::holds_alternative<domain::booking>(db::insert_hold(conn, h)));
  std::vector<domain::booking> seen;
  BOOST_REQUIRE(testing::eventually([&] {
    for (auto& b : listener.poll(std::chrono::milliseconds{50})) seen.push_back(b);
    return !seen.empty();
  }, std::chrono::seconds{10}));
  BOOST_TEST(seen[0].student_ref == "conversation-7");
}

BOOST_AUTO_TEST_CASE(one_taken_lesson_holds_none_of_the_series) {
  // The third Tuesday is someone else's.
  BOOST_REQUIRE(std::holds_alternative<domain::booking>(db::insert_hold(conn, hold("anouk", "2030-03-19T15:00:00Z"))));
  auto result = db::insert_series(conn, weekly("anouk", "2030-03-05T15:00:00Z", 4, "s1"));
  BOOST_REQUIRE(std::holds_alternative<db::series_lesson_taken>(result));
  BOOST_TEST(domain::rfc3339(std::get<db::series_lesson_taken>(result).lesson_start) == "2030-03-19T15:00:00Z");
  BOOST_TEST(scalar("SELECT count(*) FROM series") == 0);
  BOOST_TEST(scalar("SELECT count(*) FROM bookings") == 1);
}

BOOST_AUTO_TEST_CASE(two_students_racing_for_the_same_weekly_slot_one_gets_every_lesson_the_other_none) {
  for (int round = 0; round < 5; ++round) {
    const auto first = std::to_string(2031 + round) + "-04-01T15:00:00Z";  // a year apart: rounds never meet
    auto a = weekly("anouk", first.c_str(), 8, "a");
    auto b = weekly("anouk", first.c_str(), 8, "b");
    std::promise<void> go;
    auto start = go.get_future().share();
    auto race = [&](const db::new_series& s) {
      return std::async(std::launch::async, [&, start] {
        db::connection own(url);
        start.wait();
        return db::insert_series(own, s);
      });
    };
    auto fa = race(a);
    auto fb = race(b);
    go.set_value();
    auto ra = fa.get();
    auto rb = fb.get();
    BOOST_TEST((std::holds_alternative<db::stored_series>(ra) != std::holds_alternative<db::stored_series>(rb)),
               "round " << round << ": exactly one series is held");
    const std::string in_round = "lower(lesson) >= '" + first + "'::timestamptz AND lower(lesson) < '" + first +
                                 "'::timestamptz + interval '8 weeks'";
    BOOST_TEST(scalar("SELECT count(*) FROM bookings WHERE " + in_round) == 8);
    BOOST_TEST(scalar("SELECT count(DISTINCT student_ref) FROM bookings WHERE " + in_round) == 1);
  }
}

BOOST_AUTO_TEST_CASE(cancelling_the_rest_cancels_the_lessons_from_that_moment_and_keeps_the_earlier_ones) {
  auto stored = std::get<db::stored_series>(db::insert_series(conn, weekly("anouk", "2030-03-05T15:00:00Z", 4, "s1")));
  BOOST_REQUIRE(std::holds_alternative<domain::booking>(
      db::confirm_hold(conn, stored.bookings[3].id, at("2029-12-01T00:00:00Z"), db::staff_override{"Eva", "cash"})));
  auto after = db::cancel_series_from(conn, stored.id, at("2030-03-19T00:00:00Z"), at("2029-12-01T00:00:00Z"), "api");
  BOOST_REQUIRE(after.has_value());
  BOOST_REQUIRE(after->bookings.size() == 4u);
  BOOST_TEST(domain::to_string(after->bookings[0].status) == "held");
  BOOST_TEST(domain::to_string(after->bookings[1].status) == "held");
  BOOST_TEST(domain::to_string(after->bookings[2].status) == "cancelled");
  BOOST_TEST(domain::to_string(after->bookings[3].status) == "cancelled");
  // The confirmed one's calendar event is withdrawn, as a single cancellation's would be.
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'calendar.sync' AND payload->>'booking_id' = '" +
                    after->bookings[3].id.value + "'") == 2);
  BOOST_TEST(!db::cancel_series_from(conn, "00000000-0000-0000-0000-000000000000", at("2030-03-19T00:00:00Z"),
                                     at("2029-12-01T00:00:00Z"), "api")
                  .has_value());
}

BOOST_AUTO_TEST_CASE(a_staff_confirmation_confirms_every_held_lesson_or_none_once_the_holds_expired) {
  auto stored = std::get<db::stored_series>(db::insert_series(conn, weekly("anouk", "2030-03-05T15:00:00Z", 3, "s1")));
  // One lesson cancelled on its own stays cancelled.
  BOOST_REQUIRE(std::holds_alternative<domain::booking>(
      db::cancel_booking(conn, stored.bookings[1].id, at("2029-12-01T00:00:00Z"), "api")));
  const db::staff_override by{"Eva", "paid at the desk"};
  auto confirmed = db::confirm_series(conn, stored.id, at("2029-12-01T00:00:00Z"), by);
  BOOST_REQUIRE(std::holds_alternative<db::stored_series>(confirmed));
  const auto& lessons = std::get<db::stored_series>(confirmed).bookings;
  BOOST_TEST(domain::to_string(lessons[0].status) == "confirmed");
  BOOST_TEST(domain::to_string(lessons[1].status) == "cancelled");
  BOOST_TEST(domain::to_string(lessons[2].status) == "confirmed");
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'calendar.sync'") == 2);
  // Again: nothing more happens.
  BOOST_TEST(std::holds_alternative<db::stored_series>(db::confirm_series(conn, stored.id, at("2029-12-01T00:00:00Z"), by)));
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'calendar.sync'") == 2);

  auto late = std::get<db::stored_series>(db::insert_series(conn, weekly("daan", "2030-03-05T15:00:00Z", 3, "s2")));
  BOOST_TEST(std::holds_alternative<db::hold_expired>(db::confirm_series(conn, late.id, at("2030-02-01T00:00:00Z"), by)));
  BOOST_TEST(scalar("SELECT count(*) FROM bookings WHERE series_id = '" + late.id + "' AND status = 'expired'") == 3);
  // After the sweeper has expired them too.
  auto swept = std::get<db::stored_series>(db::insert_series(conn, weekly("daan", "2030-06-04T15:00:00Z", 2, "s3")));
  BOOST_TEST(db::expire_holds(conn, at("2030-02-01T00:00:00Z")).size() == 2u);
  BOOST_TEST(std::holds_alternative<db::hold_expired>(db::confirm_series(conn, swept.id, at("2030-02-01T00:00:00Z"), by)));
  BOOST_TEST(std::holds_alternative<db::not_found>(
      db::confirm_series(conn, "00000000-0000-0000-0000-000000000000", at("2029-12-01T00:00:00Z"), by)));
}

BOOST_AUTO_TEST_SUITE_END()
