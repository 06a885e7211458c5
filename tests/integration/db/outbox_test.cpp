#include <boost/test/unit_test.hpp>

#include "db/outbox.hpp"
#include "tests/integration/db/bookings_fixture.hpp"

using namespace tutorbot;
using testing::at;
using testing::bookings_db;
using std::chrono::seconds;

namespace {

const auto now = at("2026-11-24T12:00:00Z");

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
  for (int i = 0; i < 10; ++i) db::enqueue(conn, "test.kind", "k" + std::to_string(i), "{}", now);
  db::connection other(url);
  auto first = db::lease_due(conn, now, 6, seconds{60});
  auto second = db::lease_due(other, now, 6, seconds{60});
  BOOST_TEST(first.size() == 6u);
  BOOST_TEST(second.size() == 4u);
  for (const auto& a : first)
    for (const auto& b : second) BOOST_TEST(a.id != b.id);
  // Leased rows are not due again until the lease runs out.
  BOOST_TEST(db::lease_due(conn, now + seconds{59}, 10, seconds{60}).empty());
  auto again = db::lease_due(conn, now + seconds{60}, 10, seconds{60});
  BOOST_TEST(again.size() == 10u);
  BOOST_TEST(again.front().attempts == 2);
}

BOOST_AUTO_TEST_CASE(a_lease_whose_connection_is_gone_is_void_at_once) {
  db::enqueue(conn, "test.kind", "crashed", "{}", now);
  {
    db::connection crashed_worker(url);
    BOOST_REQUIRE(db::lease_due(crashed_worker, now, 10, seconds{120}).size() == 1u);
    BOOST_TEST(db::lease_due(conn, now, 10, seconds{120}).empty());  // its holder is alive
  }  // the worker's connection closes, as when its process is killed
  // The server notices the closed connection within moments; poll until it has.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::vector<db::outbox_item> taken;
  while (taken.empty() && std::chrono::steady_clock::now() < deadline) taken = db::lease_due(conn, now, 10, seconds{120});
  BOOST_REQUIRE(taken.size() == 1u);
  BOOST_TEST(taken[0].attempts == 2);
}

BOOST_AUTO_TEST_CASE(rows_not_yet_due_wait) {
  db::enqueue(conn, "test.kind", "later", "{}", now + seconds{30});
  BOOST_TEST(db::lease_due(conn, now, 10, seconds{60}).empty());
  BOOST_TEST(db::lease_due(conn, now + seconds{30}, 10, seconds{60}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(done_retried_and_given_up_rows_are_counted_apart) {
  for (const char* key : {"a", "b", "c"}) db::enqueue(conn, "test.kind", key, "{}", now);
  auto items = db::lease_due(conn, now, 10, seconds{60});
  BOOST_REQUIRE(items.size() == 3u);
  db::mark_done(conn, items[0].id);
  db::schedule_retry(conn, items[1].id, "google: 503", now + seconds{10});
  db::give_up(conn, items[2].id, "calendar not found");
  auto counts = db::count_outbox(conn);
  BOOST_TEST(counts.pending == 1);
  BOOST_TEST(counts.done == 1);
  BOOST_TEST(counts.given_up == 1);
  // The retry is due at its time, the lease released; done and given-up rows never come back.
  BOOST_TEST(db::lease_due(conn, now + seconds{9}, 10, seconds{60}).empty());
  auto retried = db::lease_due(conn, now + seconds{10}, 10, seconds{60});
  BOOST_REQUIRE(retried.size() == 1u);
  BOOST_TEST(retried[0].id == items[1].id);
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE last_error = 'google: 503'") == 1);
}

BOOST_AUTO_TEST_CASE(confirming_enqueues_one_calendar_sync_in_the_same_transaction) {
  auto held = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  BOOST_TEST(calendar_syncs(conn, held) == 0);
  BOOST_TEST(std::holds_alternative<domain::booking>(db::confirm_hold(conn, held.id, now)));
  BOOST_TEST(calendar_syncs(conn, held) == 1);
  // Confirming again changes nothing and asks for nothing.
  db::confirm_hold(conn, held.id, now);
  BOOST_TEST(calendar_syncs(conn, held) == 1);
}

BOOST_AUTO_TEST_CASE(cancelling_a_confirmed_booking_enqueues_a_sync_and_a_held_one_does_not) {
  auto confirmed = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  db::confirm_hold(conn, confirmed.id, now);
  auto held = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-02T15:00:00Z")));
  db::cancel_booking(conn, confirmed.id, now, "test");
  db::cancel_booking(conn, held.id, now, "test");
  BOOST_TEST(calendar_syncs(conn, confirmed) == 2);
  BOOST_TEST(calendar_syncs(conn, held) == 0);
}

BOOST_AUTO_TEST_CASE(a_reschedule_moves_the_booking_onto_the_hold_and_releases_it) {
  auto booking = std::get<domain::booking>(db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z")));
  db::confirm_hold(conn, booking.id, now);
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
  db::confirm_hold(conn, booking.id, now);
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
