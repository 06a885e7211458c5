// A series is paid in one order: the payment confirms every lesson, an ended Checkout releases
// every hold, a lesson lost while the money was on its way is refunded by its own share, and a
// cancelled lesson is refunded from what it cost, never from the whole order.
#include <boost/test/unit_test.hpp>

#include "db/payments.hpp"
#include "db/series.hpp"
#include "tests/integration/db/bookings_fixture.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
using testing::at;

namespace {

struct series_payment_db : testing::bookings_db {
  // Weekly lessons of anouk at 15:00 UTC from 2030-03-05, held until `expires`.
  db::stored_series held_series(int count, const char* expires = "2030-01-01T00:00:00Z") {
    db::new_series s;
    s.tutor = domain::tutor_id{"anouk"};
    s.student_ref = "s1";
    s.first_start = at("2030-03-05T15:00:00Z");
    s.rrule = "RRULE:FREQ=WEEKLY;COUNT=" + std::to_string(count);
    s.asked_rule = s.rrule;
    s.on_clash = "skip";
    s.clashes = "[]";
    for (int k = 0; k < count; ++k) {
      auto h = hold("anouk", "2030-03-05T15:00:00Z", 60, expires);
      const auto shift = std::chrono::weeks{k};
      h.lesson_start += shift;
      h.lesson_end += shift;
      h.blocked_start += shift;
      h.blocked_end += shift;
      h.student_ref = "s1";
      s.holds.push_back(h);
    }
    return std::get<db::stored_series>(db::insert_series(conn, s));
  }

  // The order for every held lesson, each charged `shares[k]`.
  db::order_view order_for(const db::stored_series& s, const std::vector<long long>& shares) {
    std::vector<db::priced_lesson> lessons;
    domain::quote q;
    q.currency = "EUR";
    for (std::size_t k = 0; k < shares.size(); ++k) {
      lessons.push_back({s.bookings[k].id, domain::cents{shares[k]}});
      q.total += domain::cents{shares[k]};
    }
    q.payment_required = true;
    auto opened = db::open_order_for_series(conn, s.id, lessons, {q, "lesson-60", "", "nl", 0, {}, {}},
                                            at("2029-12-01T00:00:00Z"));
    BOOST_TEST_REQUIRE(std::holds_alternative<db::order_view>(opened));
    return std::get<db::order_view>(opened);
  }

  long count_status(const db::stored_series& s, const char* status) {
    return scalar("SELECT count(*) FROM bookings WHERE series_id = '" + s.id + "' AND status = '" + status + "'");
  }

  long refund_amount(const std::string& key) {
    return scalar("SELECT coalesce(sum((payload->>'amount_cents')::bigint), -1) FROM outbox WHERE kind = 'stripe.refund' "
                  "AND idempotency_key = '" + key + "'");
  }
};

const domain::cancellation_policy full_refund_a_day_ahead{{{24h, 100}, {12h, 50}}, false};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(series_payment, series_payment_db)

BOOST_AUTO_TEST_CASE(one_payment_confirms_every_lesson_and_a_second_delivery_changes_nothing) {
  auto s = held_series(3);
  auto order = order_for(s, {4500, 4050, 4500});
  BOOST_TEST(order.kind == "series");
  BOOST_TEST(order.series.value_or("") == s.id);
  BOOST_TEST(!order.booking.has_value());
  BOOST_TEST(order.total.value == 13050);
  BOOST_TEST(scalar("SELECT price_cents FROM bookings WHERE id = '" + s.bookings[1].id.value + "'") == 4050);
  // Asked again (a retried request): the same order.
  BOOST_TEST(order_for(s, {4500, 4050, 4500}).id == order.id);

  const db::paid_checkout paid{order.id, "cs_1", "pi_1", domain::cents{13050}};
  BOOST_TEST(db::to_string(db::record_paid_checkout(conn, paid, at("2029-12-01T00:05:00Z"))) == "confirmed");
  BOOST_TEST(count_status(s, "confirmed") == 3);
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'calendar.sync'") == 3);
  BOOST_TEST(db::to_string(db::record_paid_checkout(conn, paid, at("2029-12-01T00:06:00Z"))) == "already_recorded");
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'calendar.sync'") == 3);
}

BOOST_AUTO_TEST_CASE(an_ended_checkout_releases_every_hold_of_the_series) {
  auto s = held_series(3);
  auto order = order_for(s, {4500, 4500, 4500});
  BOOST_TEST(db::to_string(db::record_checkout_ended(conn, order.id, "", false, at("2029-12-01T00:30:00Z"))) == "released");
  BOOST_TEST(count_status(s, "expired") == 3);
  // The slots are free for anyone again.
  BOOST_TEST(std::holds_alternative<domain::booking>(db::insert_hold(conn, hold("anouk", "2030-03-12T15:00:00Z"))));
}

BOOST_AUTO_TEST_CASE(a_lesson_taken_while_the_money_was_on_its_way_is_refunded_by_its_own_share) {
  auto s = held_series(3);
  auto order = order_for(s, {4500, 4050, 4500});
  BOOST_TEST(db::expire_holds(conn, at("2030-01-02T00:00:00Z")).size() == 3u);
  // The second week is someone else's now.
  BOOST_TEST_REQUIRE(std::holds_alternative<domain::booking>(
      db::insert_hold(conn, hold("anouk", "2030-03-12T15:00:00Z", 60, "2030-02-01T00:00:00Z"))));
  const db::paid_checkout paid{order.id, "cs_1", "pi_1", domain::cents{13050}};
  BOOST_TEST(db::to_string(db::record_paid_checkout(conn, paid, at("2030-01-02T00:01:00Z"))) == "partly_refunded");
  BOOST_TEST(count_status(s, "confirmed") == 2);
  BOOST_TEST(refund_amount("refund:slot-lost:" + order.id) == 4050);
}

BOOST_AUTO_TEST_CASE(every_lesson_lost_refunds_the_whole_payment) {
  auto s = held_series(2);
  auto order = order_for(s, {4500, 4500});
  BOOST_TEST(db::expire_holds(conn, at("2030-01-02T00:00:00Z")).size() == 2u);
  for (const char* start : {"2030-03-05T15:00:00Z", "2030-03-12T15:00:00Z"})
    BOOST_TEST_REQUIRE(std::holds_alternative<domain::booking>(
        db::insert_hold(conn, hold("anouk", start, 60, "2030-02-01T00:00:00Z"))));
  const db::paid_checkout paid{order.id, "cs_1", "pi_1", domain::cents{9000}};
  BOOST_TEST(db::to_string(db::record_paid_checkout(conn, paid, at("2030-01-02T00:01:00Z"))) == "refund_due");
  BOOST_TEST(refund_amount("refund:slot-lost:" + order.id) == 9000);
}

BOOST_AUTO_TEST_CASE(a_cancelled_lesson_is_refunded_from_its_share_never_from_the_whole_order) {
  auto s = held_series(4);
  auto order = order_for(s, {4125, 4125, 4125, 4125});  // a 4-lesson package's 16,500 shared
  BOOST_TEST_REQUIRE(db::to_string(db::record_paid_checkout(conn, {order.id, "cs_1", "pi_1", domain::cents{16500}},
                                                            at("2029-12-01T00:05:00Z"))) == "confirmed");
  // Two days ahead: in full; twenty hours ahead: half of its share.
  BOOST_TEST_REQUIRE(std::holds_alternative<domain::booking>(db::cancel_booking(
      conn, s.bookings[0].id, at("2030-03-03T15:00:00Z"), "student", &full_refund_a_day_ahead)));
  BOOST_TEST(refund_amount("refund:cancel:" + s.bookings[0].id.value) == 4125);
  BOOST_TEST_REQUIRE(std::holds_alternative<domain::booking>(db::cancel_booking(
      conn, s.bookings[1].id, at("2030-03-11T19:00:00Z"), "student", &full_refund_a_day_ahead)));
  BOOST_TEST(refund_amount("refund:cancel:" + s.bookings[1].id.value) == 2062);
  // The rest at once: each by its own share.
  auto rest = db::cancel_series_from(conn, s.id, at("2030-03-19T00:00:00Z"), at("2030-03-01T00:00:00Z"), "student",
                                     &full_refund_a_day_ahead);
  BOOST_REQUIRE(rest.has_value());
  BOOST_TEST(refund_amount("refund:cancel:" + s.bookings[2].id.value) == 4125);
  BOOST_TEST(refund_amount("refund:cancel:" + s.bookings[3].id.value) == 4125);
}

BOOST_AUTO_TEST_CASE(a_partial_refund_keeps_the_lessons_and_a_full_one_cancels_those_still_to_come) {
  auto s = held_series(3);
  auto order = order_for(s, {4500, 4500, 4500});
  BOOST_TEST_REQUIRE(db::to_string(db::record_paid_checkout(conn, {order.id, "cs_1", "pi_1", domain::cents{13500}},
                                                            at("2029-12-01T00:05:00Z"))) == "confirmed");
  BOOST_TEST(db::to_string(db::record_refund(conn, {"re_1", "pi_1", domain::cents{4500}, "succeeded"},
                                             at("2030-03-06T00:00:00Z"))) == "recorded");
  BOOST_TEST(count_status(s, "confirmed") == 3);
  // The rest back from Stripe's dashboard, after the first lesson was given.
  BOOST_TEST(db::to_string(db::record_refund(conn, {"re_2", "pi_1", domain::cents{9000}, "succeeded"},
                                             at("2030-03-06T00:00:00Z"))) == "booking_cancelled");
  BOOST_TEST(count_status(s, "confirmed") == 1);
  BOOST_TEST(count_status(s, "cancelled") == 2);
}

BOOST_AUTO_TEST_CASE(an_order_is_opened_only_for_exactly_the_lessons_still_held) {
  auto s = held_series(3);
  std::vector<db::priced_lesson> two{{s.bookings[0].id, domain::cents{4500}}, {s.bookings[1].id, domain::cents{4500}}};
  domain::quote q;
  q.total = domain::cents{9000};
  const db::order_request request{q, "lesson-60", "", "nl", 0, {}, {}};
  BOOST_TEST(std::holds_alternative<db::wrong_status>(
      db::open_order_for_series(conn, s.id, two, request, at("2029-12-01T00:00:00Z"))));
  BOOST_TEST(std::holds_alternative<db::hold_expired>(db::open_order_for_series(
      conn, s.id, {{s.bookings[0].id, {}}, {s.bookings[1].id, {}}, {s.bookings[2].id, {}}}, request,
      at("2030-01-01T00:00:01Z"))));
  BOOST_TEST(std::holds_alternative<db::not_found>(
      db::open_order_for_series(conn, "00000000-0000-0000-0000-000000000000", two, request, at("2029-12-01T00:00:00Z"))));
  BOOST_TEST(scalar("SELECT count(*) FROM orders") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
