// The webhook inbox's leases and due times are judged on PostgreSQL's clock (issue 12.7), so
// two instances whose clocks differ agree on when an event is due and whose lease it is.
#include <boost/test/unit_test.hpp>

#include "db/inbox.hpp"
#include "tests/integration/db/bookings_fixture.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
using testing::bookings_db;

BOOST_FIXTURE_TEST_SUITE(inbox, bookings_db)

BOOST_AUTO_TEST_CASE(a_deferred_event_is_due_by_the_database_clock_not_the_instances) {
  BOOST_REQUIRE(db::store_webhook(conn, "stripe", "evt_1", "checkout.session.completed", R"({"id":"evt_1"})"));
  auto leased = db::lease_inbox(conn, "stripe", 16, 60s);
  BOOST_REQUIRE(leased.size() == 1u);
  db::defer_event(conn, leased[0].id, "its payment is not in yet", 120s);
  // Not due for two minutes on PostgreSQL's clock, whatever this process's clock says.
  BOOST_TEST(db::lease_inbox(conn, "stripe", 16, 60s).empty());
  BOOST_TEST(scalar("SELECT (next_attempt_at BETWEEN now() + interval '110 seconds' AND now() + interval '130 seconds')::int "
                    "FROM webhook_inbox") == 1);
  // A replay that runs its own clock may judge at its own moment.
  auto replayed = db::lease_inbox(conn, "stripe", 16, 60s,
                                  std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) + 1h);
  BOOST_TEST(replayed.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_leased_event_is_not_leased_again_while_its_lease_lasts) {
  BOOST_REQUIRE(db::store_webhook(conn, "stripe", "evt_2", "charge.refunded", R"({"id":"evt_2"})"));
  db::connection other(url);
  BOOST_TEST(db::lease_inbox(conn, "stripe", 16, 60s).size() == 1u);
  BOOST_TEST(db::lease_inbox(other, "stripe", 16, 60s).empty());
}

BOOST_AUTO_TEST_SUITE_END()
