#include <optional>
#include <set>

#include <boost/test/unit_test.hpp>

#include "db/outbox.hpp"
#include "tests/integration/db/bookings_fixture.hpp"

using namespace tutorbot;
using testing::at;
using testing::bookings_db;
using std::chrono::seconds;

namespace {

const db::staff_override by_staff{"Eva", "paid in cash at the desk"};

const auto now = at("2026-11-24T12:00:00Z");

// Leases compare with PostgreSQL's clock: work enqueued "now" is due at once.
std::chrono::sys_seconds due_now() {
  return std::chrono::floor<seconds>(std::chrono::system_clock::now()) - seconds{1};
}

long calendar_syncs(db::connection& conn, const domain::booking& b) {
  return static_cast<long>(db::find_outbox(conn, db::outbox_kind::calendar_sync, "booking_id", b.id.value).size());
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(outbox, bookings_db)

BOOST_AUTO_TEST_CASE(the_same_idempotency_key_is_enqueued_once) {
  BOOST_TEST(db::enqueue(conn, "test.kind", "key-1", R"({"n": 1})", now));
  BOOST_TEST(!db::enqueue(conn, "test.kind", "key-1", R"({"n": 2})", now));
  BOOST_TEST(scalar("SELECT count(*) FROM outbox") == 1);
  BOOST_TEST(scalar("SELECT (payload->>'n')::int FROM outbox") == 1);
}

BOOST_AUTO_TEST_CASE(concurrent_leases_never_take_the_same_row) {
  for (int i = 0; i < 10; ++i) db::enqueue(conn, "test.kind", "k" + std::to_string(i), "{}", due_now());
  db::connection other(url);
  std::set<long long> taken;
  for (int i = 0; i < 5; ++i) {
    for (auto* c : {&conn, &other}) {
      auto item = db::lease_next(*c, seconds{60});
      BOOST_REQUIRE(item);
      BOOST_TEST(item->attempts == 1);
      BOOST_TEST(taken.insert(item->id).second, "row " << item->id << " was leased twice");
    }
  }
  // Leased rows are not due again while their lease runs.
  BOOST_TEST(!db::lease_next(conn, seconds{60}));
  BOOST_TEST(!db::lease_next(other, seconds{60}));
}

BOOST_AUTO_TEST_CASE(a_lease_that_ran_out_is_taken_again_and_fences_off_its_first_holder) {
  db::enqueue(conn, "test.kind", "slow", "{}", due_now());
  auto first = db::lease_next(conn, seconds{1});
  BOOST_REQUIRE(first);
  db::connection other(url);
  std::optional<db::outbox_item> second;
  auto deadline = std::chrono::steady_clock::now() + seconds{10};
  while (!second && std::chrono::steady_clock::now() < deadline) second = db::lease_next(other, seconds{60});
  BOOST_REQUIRE(second);
  BOOST_TEST(second->id == first->id);
  BOOST_TEST(second->attempts == 2);
  BOOST_TEST(second->generation == first->generation + 1);
  // The first holder can neither renew nor record anything any more.
  BOOST_TEST(!db::renew_lease(conn, *first, seconds{60}));
  BOOST_TEST(!db::mark_done(conn, *first));
  BOOST_TEST(!db::schedule_retry(conn, *first, "late", seconds{1}));
  BOOST_TEST(!db::give_up(conn, *first, "late"));
  BOOST_TEST(db::count_outbox(conn).pending == 1);
  BOOST_TEST(db::renew_lease(other, *second, seconds{60}));
  BOOST_TEST(db::mark_done(other, *second));
  BOOST_TEST(db::count_outbox(conn).done == 1);
}

BOOST_AUTO_TEST_CASE(a_lease_outlives_the_connection_that_took_it) {
  db::enqueue(conn, "test.kind", "reconnected", "{}", due_now());
  std::optional<db::outbox_item> item;
  {
    db::connection worker(url);
    item = db::lease_next(worker, seconds{120});
    BOOST_REQUIRE(item);
  }  // the worker's connection closes, as when PostgreSQL restarts under a running handler
  // However long the server takes to notice, the row stays its worker's until the lease ends.
  db::connection reconnected(url);
  BOOST_TEST(!db::lease_next(conn, seconds{120}));
  BOOST_TEST(db::mark_done(reconnected, *item));
  BOOST_TEST(db::count_outbox(conn).done == 1);
}

BOOST_AUTO_TEST_CASE(a_leased_row_was_created_in_the_second_it_reports_never_the_next) {
  db::enqueue(conn, "test.kind", "late-in-its-second", "{}", due_now());
  BOOST_REQUIRE(scalar("UPDATE outbox SET created_at = to_timestamp(1765000000.9) RETURNING 1") == 1);
  auto item = db::lease_next(conn, seconds{60});
  BOOST_REQUIRE(item);
  BOOST_TEST(item->created_at.time_since_epoch().count() == 1765000000);
}

BOOST_AUTO_TEST_CASE(rows_not_yet_due_wait) {
  db::enqueue(conn, "test.kind", "later", "{}", due_now() + std::chrono::hours{1});
  BOOST_TEST(!db::lease_next(conn, seconds{60}));
  db::enqueue(conn, "test.kind", "now", "{}", due_now());
  auto item = db::lease_next(conn, seconds{60});
  BOOST_REQUIRE(item);
  BOOST_TEST(item->idempotency_key == "now");
}

BOOST_AUTO_TEST_CASE(done_retried_and_given_up_rows_are_counted_apart) {
  for (const char* key : {"a", "b", "c"}) db::enqueue(conn, "test.kind", key, "{}", due_now());
  std::vector<db::outbox_item> items;
  while (auto item = db::lease_next(conn, seconds{60})) items.push_back(*item);
  BOOST_REQUIRE(items.size() == 3u);
  BOOST_TEST(db::mark_done(conn, items[0]));
  BOOST_TEST(db::schedule_retry(conn, items[1], "google: 503", seconds{3600}));
  BOOST_TEST(db::give_up(conn, items[2], "calendar not found"));
  auto counts = db::count_outbox(conn);
  BOOST_TEST(counts.pending == 1);
  BOOST_TEST(counts.done == 1);
  BOOST_TEST(counts.given_up == 1);
  // The retry is due an hour from the database's now, its lease released; done and given-up
  // rows never come back.
  BOOST_TEST(!db::lease_next(conn, seconds{60}));
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE last_error = 'google: 503' AND leased_until IS NULL "
                    "AND due_at BETWEEN now() + interval '3590 seconds' AND now() + interval '3600 seconds'") == 1);
}

BOOST_AUTO_TEST_CASE(confirming_enqueues_one_calendar_sync_in_the_same_transaction) {
  auto held = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  BOOST_TEST(calendar_syncs(conn, held) == 0);
  BOOST_TEST(std::holds_alternative<domain::booking>(db::confirm_hold(conn, held.id, now, by_staff)));
  BOOST_TEST(calendar_syncs(conn, held) == 1);
  // Confirming again changes nothing and asks for nothing.
  db::confirm_hold(conn, held.id, now, by_staff);
  BOOST_TEST(calendar_syncs(conn, held) == 1);
}

BOOST_AUTO_TEST_CASE(cancelling_a_confirmed_booking_enqueues_a_sync_and_a_held_one_does_not) {
  auto confirmed = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  db::confirm_hold(conn, confirmed.id, now, by_staff);
  auto held = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-02T15:00:00Z")));
  db::cancel_booking(conn, confirmed.id, now, "test");
  db::cancel_booking(conn, held.id, now, "test");
  BOOST_TEST(calendar_syncs(conn, confirmed) == 2);
  BOOST_TEST(calendar_syncs(conn, held) == 0);
}

BOOST_AUTO_TEST_CASE(a_reschedule_moves_the_booking_onto_the_hold_and_releases_it) {
  auto booking = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  db::confirm_hold(conn, booking.id, now, by_staff);
  auto target = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-03T10:00:00Z")));
  auto moved = db::reschedule_onto_hold(conn, booking.id, target.id, now);
  auto* b = std::get_if<domain::booking>(&moved);
  BOOST_REQUIRE(b);
  BOOST_TEST((b->lesson_start == at("2026-12-03T10:00:00Z")));
  BOOST_TEST((b->blocked_start == at("2026-12-03T09:50:00Z")));
  BOOST_TEST(b->status == domain::booking_status::confirmed);
  BOOST_TEST(db::find_booking(conn, target.id)->status == domain::booking_status::cancelled);
  BOOST_TEST(calendar_syncs(conn, booking) == 2);
  // The old slot is free again.
  BOOST_TEST(std::holds_alternative<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z"))));
}

BOOST_AUTO_TEST_CASE(a_reschedule_refuses_expired_holds_other_tutors_and_unconfirmed_bookings) {
  auto booking = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  auto other = std::get<domain::booking>(db::insert_hold(conn, hold("daan", "2026-12-03T10:00:00Z")));
  BOOST_TEST(std::holds_alternative<db::wrong_status>(db::reschedule_onto_hold(conn, booking.id, other.id, now)));
  db::confirm_hold(conn, booking.id, now, by_staff);
  BOOST_TEST(std::holds_alternative<db::different_tutor>(db::reschedule_onto_hold(conn, booking.id, other.id, now)));
  auto expiring = std::get<domain::booking>(
      db::insert_hold(conn, hold("anouk", "2026-12-04T10:00:00Z", 60, "2026-11-24T12:00:00Z")));
  BOOST_TEST(std::holds_alternative<db::hold_expired>(db::reschedule_onto_hold(conn, booking.id, expiring.id, now)));
  BOOST_TEST(std::holds_alternative<db::not_found>(
      db::reschedule_onto_hold(conn, booking.id, domain::booking_id{"not-a-uuid"}, now)));
  BOOST_TEST((db::find_booking(conn, booking.id)->lesson_start == at("2026-12-01T15:00:00Z")));
  BOOST_TEST(calendar_syncs(conn, booking) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
