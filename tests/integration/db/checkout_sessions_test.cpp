// One order, one payable Checkout Session; and money paid beyond the payment that booked the
// lesson goes back (invariant 4: never money without a lesson).
#include <boost/test/unit_test.hpp>

#include "db/outbox.hpp"
#include "db/payments.hpp"
#include "tests/integration/db/bookings_fixture.hpp"

using namespace tutorbot;
using testing::at;
using testing::bookings_db;

namespace {

const auto now = at("2026-11-24T12:00:00Z");

db::order_request lesson_request() {
  db::order_request r;
  domain::quote_line line;
  line.product_id = "lesson-60";
  line.description_nl = line.description_en = "Bijles 60 minuten";
  line.unit_amount = line.amount = line.list_unit_amount = domain::cents{4500};
  r.quote.lines = {line};
  r.quote.total = domain::cents{4500};
  r.quote.currency = "EUR";
  r.quote.payment_required = true;
  r.product_id = line.product_id;
  r.customer_email = "ouder@example.nl";
  return r;
}

struct ordered_lesson : bookings_db {
  std::string outcome(db::connection& c, const db::paid_checkout& paid, std::chrono::sys_seconds when) {
    return std::string(db::to_string(db::record_paid_checkout(c, paid, when)));
  }
  ordered_lesson() {
    auto held = db::insert_hold(conn, hold("anouk", "2026-12-01T15:00:00Z"));
    booking = std::get<domain::booking>(held).id;
    order = std::get<db::order_view>(db::open_order_for_hold(conn, booking, lesson_request(), now)).id;
  }
  domain::booking_id booking;
  std::string order;
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(checkout_sessions, ordered_lesson)

BOOST_AUTO_TEST_CASE(a_second_session_for_an_order_is_ended_and_the_first_kept) {
  auto first = db::attach_checkout(conn, order, "cs_first", "https://checkout.stripe.com/c/pay/cs_first");
  BOOST_TEST(first.session_id == "cs_first");
  // The same session again (a retry that Stripe replayed) changes nothing.
  BOOST_TEST(db::attach_checkout(conn, order, "cs_first", "https://checkout.stripe.com/c/pay/cs_first").session_id == "cs_first");
  BOOST_TEST(scalar("SELECT count(*) FROM outbox WHERE kind = 'stripe.expire_session'") == 0);

  auto raced = db::attach_checkout(conn, order, "cs_second", "https://checkout.stripe.com/c/pay/cs_second");
  BOOST_TEST(raced.session_id == "cs_first");
  BOOST_TEST(raced.checkout_url == "https://checkout.stripe.com/c/pay/cs_first");
  auto ended = db::find_outbox(conn, db::outbox_kind::stripe_expire_session, "session_id", "cs_second");
  BOOST_REQUIRE(ended.size() == 1u);
  BOOST_TEST(ended[0].payload.find(order) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_second_payment_for_a_paid_order_is_refunded_in_full) {
  db::attach_checkout(conn, order, "cs_first", "https://checkout.stripe.com/c/pay/cs_first");
  const db::paid_checkout first{order, "cs_first", "pi_first", domain::cents{4500}};
  const db::paid_checkout second{order, "cs_second", "pi_second", domain::cents{4500}};
  BOOST_TEST(outcome(conn, first, now) == "confirmed");
  BOOST_TEST(outcome(conn, first, now) == "already_recorded");  // the same payment again is a replay
  // Another session of the same order was paid too.
  BOOST_TEST(outcome(conn, second, now) == "extra_payment_refund_due");
  BOOST_TEST(outcome(conn, second, now) == "extra_payment_refund_due");  // a replay enqueues nothing new
  auto refunds = db::find_outbox(conn, db::outbox_kind::stripe_refund, "payment_intent", "pi_second");
  BOOST_REQUIRE(refunds.size() == 1u);
  BOOST_TEST(refunds[0].payload.find("4500") != std::string::npos);
  BOOST_TEST(scalar("SELECT count(*) FROM payments WHERE kind = 'charge'") == 2);
  // The lesson stays booked, paid by the first payment.
  BOOST_TEST(db::find_booking(conn, booking)->status == domain::booking_status::confirmed);
  BOOST_TEST(db::find_order(conn, order)->payment_intent == "pi_first");
}

BOOST_AUTO_TEST_SUITE_END()
