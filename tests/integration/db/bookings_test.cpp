#include <boost/test/unit_test.hpp>

#include "tests/integration/db/bookings_fixture.hpp"

using namespace tutorbot;
using testing::at;
using testing::bookings_db;
using std::chrono::minutes;
using std::chrono::sys_seconds;

namespace {

const db::staff_override by_staff{"Eva", "paid in cash at the desk"};

const sys_seconds now = at("2026-11-24T12:00:00Z");

}  // namespace

BOOST_FIXTURE_TEST_SUITE(bookings, bookings_db)

BOOST_AUTO_TEST_CASE(a_hold_is_stored_with_its_blocked_period) {
  auto r = db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z"));
  auto* b = std::get_if<domain::booking>(&r);
  BOOST_REQUIRE(b);
  BOOST_TEST(b->id.value.size() == 36u);
  BOOST_TEST(b->status == domain::booking_status::held);
  BOOST_TEST((b->blocked_start == at("2026-12-01T14:50:00Z")));
  BOOST_TEST((b->blocked_end == at("2026-12-01T16:05:00Z")));
  BOOST_TEST(b->price.value == 4500);
}

BOOST_AUTO_TEST_CASE(an_overlapping_hold_is_slot_taken_and_writes_nothing) {
  db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z"));
  auto r = db::insert_hold(conn, hold("anouk", "2026-12-01T15:30:00Z", 90));
  BOOST_TEST(std::holds_alternative<db::slot_taken>(r));
  BOOST_TEST(scalar("SELECT count(*) FROM bookings") == 1);
}

BOOST_AUTO_TEST_CASE(buffers_collide_even_when_lessons_do_not) {
  db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z"));
  // 16:00 starts right after the lesson, but its 10-minute buffer meets the 5-minute one.
  BOOST_TEST(std::holds_alternative<db::slot_taken>(db::insert_hold(conn, hold("anouk", "2026-12-01T16:00:00Z"))));
  // 16:15: 16:05 (end of the first blocked period) <= 16:05 (start of the second).
  BOOST_TEST(std::holds_alternative<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T16:15:00Z"))));
}

BOOST_AUTO_TEST_CASE(other_tutors_and_inactive_bookings_do_not_collide) {
  auto first = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  BOOST_TEST(std::holds_alternative<domain::booking>(db::insert_hold(conn, hold("daan", "2026-12-01T15:00:00Z"))));
  db::cancel_booking(conn, first.id, now, "test");
  BOOST_TEST(std::holds_alternative<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z"))));
}

BOOST_AUTO_TEST_CASE(confirm_turns_a_live_hold_into_a_booking_once) {
  auto b = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  auto first = db::confirm_hold(conn, b.id, now, by_staff);
  BOOST_REQUIRE(std::holds_alternative<domain::booking>(first));
  BOOST_TEST(std::get<domain::booking>(first).status == domain::booking_status::confirmed);
  auto again = db::confirm_hold(conn, b.id, now, by_staff);
  BOOST_TEST(std::holds_alternative<domain::booking>(again));  // idempotent
}

BOOST_AUTO_TEST_CASE(confirm_after_expiry_is_refused_and_frees_the_slot) {
  auto b = std::get<domain::booking>(
      db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z", 60, "2026-11-24T11:59:00Z")));
  BOOST_TEST(std::holds_alternative<db::hold_expired>(db::confirm_hold(conn, b.id, now, by_staff)));
  BOOST_TEST(db::find_booking(conn, b.id)->status == domain::booking_status::expired);
  BOOST_TEST(std::holds_alternative<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z"))));
}

BOOST_AUTO_TEST_CASE(unknown_or_malformed_ids_are_not_found) {
  BOOST_TEST(std::holds_alternative<db::not_found>(
      db::confirm_hold(conn, domain::booking_id{"00000000-0000-0000-0000-000000000000"}, now, by_staff)));
  BOOST_TEST(std::holds_alternative<db::not_found>(db::cancel_booking(conn, domain::booking_id{"x'; --"}, now, "")));
}

BOOST_AUTO_TEST_CASE(cancelling_twice_returns_the_cancelled_booking) {
  auto b = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  BOOST_TEST(std::get<domain::booking>(db::cancel_booking(conn, b.id, now, "student")).status ==
             domain::booking_status::cancelled);
  BOOST_TEST(std::get<domain::booking>(db::cancel_booking(conn, b.id, now, "student")).status ==
             domain::booking_status::cancelled);
}

BOOST_AUTO_TEST_CASE(expire_holds_settles_only_holds_past_their_expiry) {
  db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z", 60, "2026-11-24T11:00:00Z"));
  auto live = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-02T15:00:00Z")));
  auto expired = db::expire_holds(conn, now);
  BOOST_TEST(expired.size() == 1u);
  BOOST_TEST(expired.front().status == domain::booking_status::expired);
  BOOST_TEST(db::find_booking(conn, live.id)->status == domain::booking_status::held);
  BOOST_TEST(db::expire_holds(conn, now).empty());
}

BOOST_AUTO_TEST_CASE(active_bookings_are_those_held_or_confirmed_ahead) {
  auto a = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  auto c = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-03T15:00:00Z")));
  db::cancel_booking(conn, c.id, now, "");
  db::insert_hold(conn, hold("anouk", "2026-11-20T15:00:00Z"));  // in the past
  auto active = db::active_bookings(conn, domain::tutor_id{"anouk"}, now);
  BOOST_REQUIRE(active.size() == 1u);
  BOOST_TEST(active.front().id.value == a.id.value);
}

BOOST_AUTO_TEST_CASE(the_free_trial_is_once_per_student_in_the_database) {
  pqxx::connection c(url);
  pqxx::work tx(c);
  auto id = tx.exec1("INSERT INTO students (name) VALUES ('Sanne') RETURNING id")[0].as<std::string>();
  tx.exec("INSERT INTO bookings (tutor_id, student_id, lesson, blocked, status, hold_expires_at, product_id, is_trial) "
          "VALUES ('anouk', '" + id + "', '[2026-12-01 15:00Z,2026-12-01 15:30Z)', '[2026-12-01 15:00Z,2026-12-01 15:30Z)', "
          "'confirmed', now(), 'trial', true)");
  tx.commit();
  pqxx::work second(c);
  BOOST_CHECK_THROW(second.exec("INSERT INTO bookings (tutor_id, student_id, lesson, blocked, status, hold_expires_at, "
                                "product_id, is_trial) VALUES ('daan', '" + id + "', '[2026-12-02 15:00Z,2026-12-02 15:30Z)', "
                                "'[2026-12-02 15:00Z,2026-12-02 15:30Z)', 'held', now(), 'trial', true)"),
                    pqxx::unique_violation);
}

BOOST_AUTO_TEST_CASE(package_credit_can_never_go_negative) {
  pqxx::connection c(url);
  pqxx::work tx(c);
  auto id = tx.exec1("INSERT INTO students (name) VALUES ('Daan') RETURNING id")[0].as<std::string>();
  tx.exec("INSERT INTO credit_ledger (student_id, delta, reason) VALUES ('" + id + "', 2, 'adjustment')");
  tx.exec("INSERT INTO credit_ledger (student_id, delta, reason) VALUES ('" + id + "', -2, 'adjustment')");
  BOOST_CHECK_THROW(tx.exec("INSERT INTO credit_ledger (student_id, delta, reason) VALUES ('" + id + "', -1, 'adjustment')"),
                    pqxx::check_violation);
}

BOOST_AUTO_TEST_CASE(upserting_tutors_deactivates_the_removed_ones) {
  domain::tutor_rules anouk;
  anouk.id = "anouk";
  anouk.name = "Anouk de Vries";
  db::upsert_tutors(conn, {anouk});
  BOOST_TEST(scalar("SELECT count(*) FROM tutors WHERE active") == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM tutors WHERE id = 'daan' AND NOT active") == 1);
  BOOST_TEST(scalar("SELECT count(*) FROM tutors WHERE name = 'Anouk de Vries'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
