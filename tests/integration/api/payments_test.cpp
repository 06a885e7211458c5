#include <future>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "net/stripe_signature.hpp"
#include "tests/integration/api/payment_service.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
using testing::payment_service;
namespace json = boost::json;

namespace {

std::string text_of(const json::object& o, const char* key) { return std::string(o.at(key).as_string()); }

long events_of_booking(payment_service& s, const std::string& booking) {
  long n = 0;
  for (const auto& id : s.service.google.sandbox().event_ids(s.service.calendar_id)) {
    auto event = json::parse(*s.service.google.sandbox().event_json(s.service.calendar_id, id)).as_object();
    if (event.at("extendedProperties").at("private").at("booking_id").as_string() == booking) ++n;
  }
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(payments)

BOOST_AUTO_TEST_CASE(a_paid_checkout_confirms_the_booking_and_creates_its_calendar_event) {
  payment_service s("pay_happy");
  auto booking = s.hold(s.free_start(7));
  auto order = s.checkout(booking);
  BOOST_TEST(text_of(order, "status") == "open");
  BOOST_TEST(order.at("amount_cents").as_int64() > 0);
  // Asking again gives the same session (the order id is its idempotency key).
  auto again = s.checkout(booking);
  BOOST_TEST(text_of(again, "session_id") == text_of(order, "session_id"));

  auto paid = s.stripe_http.press(text_of(order, "session_id"), "pay");
  BOOST_REQUIRE_MESSAGE(paid.status == 200, paid.text);
  s.wait_until([&] { return s.booking_status(booking) == "confirmed"; }, "the booking is confirmed");
  BOOST_TEST(s.order_status(text_of(order, "order_id")) == "paid");
  s.wait_until([&] { return events_of_booking(s, booking) == 1; }, "the calendar event exists");
  BOOST_TEST(s.scalar("SELECT count(*) FROM payments WHERE kind = 'charge' AND status = 'succeeded'") == 1);
  BOOST_TEST(s.scalar("SELECT count(*) FROM bookings WHERE paid_with = 'stripe'") == 1);
}

BOOST_AUTO_TEST_CASE(two_checkouts_racing_for_one_booking_leave_one_payable_session) {
  payment_service s("pay_race");
  auto booking = s.hold(s.free_start(7));
  // The first session is still being made when the second is asked for (at most a second
  // later), also on a loaded machine.
  s.stripe.sandbox().set_latency(5000ms);
  auto asked_before = s.stripe.sandbox().api_requests();
  auto first = std::async(std::launch::async, [&] {
    return s.api("POST", "/api/v1/bookings/" + booking + "/checkout", R"({"email":"ouder@example.nl"})");
  });
  s.wait_until([&] { return s.stripe.sandbox().api_requests() > asked_before; }, "Stripe is asked for the first session");
  // In a later second: a key that names the moment no longer makes the two requests one.
  auto first_asked = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  s.wait_until([&] { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) > first_asked; },
               "the next second");
  auto second = s.checkout(booking);
  auto first_answer = first.get();
  BOOST_REQUIRE_MESSAGE(first_answer.status == 201, first_answer.body);
  auto kept = json::parse(first_answer.body).as_object();
  BOOST_TEST(text_of(second, "session_id") == text_of(kept, "session_id"));
  BOOST_TEST(text_of(second, "checkout_url") == text_of(kept, "checkout_url"));
  // Whatever other session Stripe made for the order is ended, so nobody can pay it.
  s.wait_until([&] { return s.scalar("SELECT count(*) FROM outbox WHERE kind = 'stripe.expire_session' AND done_at IS NOT NULL") >= 1; },
               "the other session is ended");
  pqxx::connection c(s.service.url);
  for (const auto& row : pqxx::nontransaction(c).exec("SELECT payload->>'session_id' FROM outbox WHERE kind = 'stripe.expire_session'")) {
    auto other = row[0].as<std::string>();
    BOOST_TEST(other != text_of(kept, "session_id"));
    auto session = json::parse(s.stripe.sandbox().object_json(other).value()).as_object();
    BOOST_TEST(text_of(session, "status") == "expired");
  }
}

BOOST_AUTO_TEST_CASE(webhooks_with_a_bad_signature_are_refused_and_store_nothing) {
  payment_service s("pay_signature");
  const std::string body = R"({"id":"evt_forged","object":"event","type":"checkout.session.completed","created":1,)"
                           R"("data":{"object":{"id":"cs_x","object":"checkout.session","payment_status":"paid"}}})";
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto post = [&](const std::string& payload, const std::string& header) {
    return testing::http_request(s.port(), "POST", "/webhooks/stripe", payload,
                                 header.empty() ? "" : "Stripe-Signature: " + header + "\r\n");
  };
  const auto& secret = testing::test_webhook_secret;
  BOOST_TEST(post(body + " ", net::stripe_signature_header(body, secret, now)).status == 400);        // tampered
  BOOST_TEST(post(body, net::stripe_signature_header(body, "whsec_wrong", now)).status == 400);       // wrong secret
  BOOST_TEST(post(body, net::stripe_signature_header(body, secret, now - 310s)).status == 400);       // stale
  BOOST_TEST(post(body, net::stripe_signature_header(body, secret, now + 310s)).status == 400);       // future
  auto missing = post(body, "");
  BOOST_TEST(missing.status == 400);
  BOOST_TEST(missing.body.find("missing_header") != std::string::npos);
  BOOST_TEST(s.scalar("SELECT count(*) FROM webhook_inbox") == 0);
  // Correctly signed, but from live mode while tutorbot runs on a test key: refused.
  std::string live = body;
  live.replace(live.find(R"("created":1,)"), 12, R"("created":1,"livemode":true,)");
  auto wrong_mode = post(live, net::stripe_signature_header(live, secret, now));
  BOOST_TEST(wrong_mode.status == 400);
  BOOST_TEST(wrong_mode.body.find("wrong_mode") != std::string::npos, wrong_mode.body);
  BOOST_TEST(s.scalar("SELECT count(*) FROM webhook_inbox") == 0);
  // The same body, correctly signed, is stored once however often it comes.
  BOOST_TEST(post(body, net::stripe_signature_header(body, secret, now)).status == 200);
  BOOST_TEST(post(body, net::stripe_signature_header(body, secret, now)).status == 200);
  BOOST_TEST(s.scalar("SELECT count(*) FROM webhook_inbox") == 1);
}

BOOST_AUTO_TEST_CASE(a_stripe_event_that_keeps_failing_is_parked_for_staff_and_the_others_flow_past_it) {
  payment_service s("pay_poison");
  // A real order whose payment cannot be recorded: the database refuses its charge row (a
  // fault injected with a trigger), so applying the signed event throws every time.
  auto poisoned = s.checkout(s.hold(s.free_start(7)));
  {
    pqxx::connection c(s.service.url);
    pqxx::nontransaction(c).exec(
        "CREATE FUNCTION refuse_poisoned_charge() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'injected fault: charge refused'; END $$; "
        "CREATE TRIGGER refuse_poisoned_charge BEFORE INSERT ON payments FOR EACH ROW "
        "WHEN (NEW.provider_reference = 'pi_poison') EXECUTE FUNCTION refuse_poisoned_charge()");
  }
  const std::string poison =
      R"({"id":"evt_poison","object":"event","type":"checkout.session.completed","created":1,"livemode":false,)"
      R"("data":{"object":{"id":")" + text_of(poisoned, "session_id") +
      R"(","object":"checkout.session","status":"complete","payment_status":"paid",)"
      R"("amount_total":4500,"currency":"eur","payment_intent":"pi_poison","metadata":{"order_id":")" +
      text_of(poisoned, "order_id") + R"("}}}})";
  auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  auto posted = testing::http_request(s.port(), "POST", "/webhooks/stripe", poison,
                                      "Stripe-Signature: " +
                                          net::stripe_signature_header(poison, testing::test_webhook_secret, now) + "\r\n");
  BOOST_REQUIRE_MESSAGE(posted.status == 200, posted.body);
  s.wait_until([&] { return s.scalar("SELECT count(*) FROM webhook_inbox WHERE event_id = 'evt_poison' "
                                     "AND last_error IS NOT NULL") == 1; },
               "the failure is recorded on the event");
  // Events behind it are applied while it waits for its next attempt.
  auto booking = s.hold(s.free_start(10));
  auto order = s.checkout(booking);
  BOOST_REQUIRE(s.stripe_http.press(text_of(order, "session_id"), "pay").status == 200);
  s.wait_until([&] { return s.booking_status(booking) == "confirmed"; }, "a later payment is booked");
  // Time passes faster than the backoff: each attempt fails again until the event is parked.
  s.wait_until([&] {
    return s.scalar("WITH due AS (UPDATE webhook_inbox SET next_attempt_at = now() WHERE event_id = 'evt_poison' "
                    "AND parked_at IS NULL RETURNING 1) SELECT count(*) FROM webhook_inbox "
                    "WHERE event_id = 'evt_poison' AND parked_at IS NOT NULL") == 1;
  }, "the event is parked");
  BOOST_TEST(s.scalar("SELECT count(*) FROM webhook_inbox WHERE event_id = 'evt_poison' AND processed_at IS NULL") == 1);
  auto listed = s.api("GET", "/api/v1/ops/parked");
  BOOST_REQUIRE_MESSAGE(listed.status == 200, listed.body);
  auto events = json::parse(listed.body).at("webhook_events").as_array();
  BOOST_REQUIRE(events.size() == 1u);
  BOOST_TEST(text_of(events[0].as_object(), "event_id") == "evt_poison");
  BOOST_TEST(!text_of(events[0].as_object(), "last_error").empty());
  BOOST_TEST(events[0].at("attempts").as_int64() >= 8);
  auto metrics = testing::http_request(s.port(), "GET", "/metrics", "", "").body;
  BOOST_TEST(metrics.find(R"(outcome="parked")") != std::string::npos);
  // A parked event is left alone: no more attempts.
  auto attempts = s.scalar("SELECT attempts FROM webhook_inbox WHERE event_id = 'evt_poison'");
  s.scalar("UPDATE webhook_inbox SET next_attempt_at = now() WHERE event_id = 'evt_poison' RETURNING 1");
  BOOST_REQUIRE(s.stripe_http.press(text_of(s.checkout(s.hold(s.free_start(14), "student-2")), "session_id"), "pay").status == 200);
  s.wait_until([&] { return s.scalar("SELECT count(*) FROM bookings WHERE status = 'confirmed'") == 2; },
               "the next payment is booked");
  BOOST_TEST(s.scalar("SELECT attempts FROM webhook_inbox WHERE event_id = 'evt_poison'") == attempts);
}

BOOST_AUTO_TEST_CASE(an_expired_checkout_releases_the_hold) {
  payment_service s("pay_expired");
  auto start = s.free_start(7);
  auto booking = s.hold(start);
  auto order = s.checkout(booking);
  BOOST_REQUIRE(s.stripe_http.press(text_of(order, "session_id"), "expire").status == 200);
  s.wait_until([&] { return s.booking_status(booking) == "expired"; }, "the hold is released");
  BOOST_TEST(s.order_status(text_of(order, "order_id")) == "expired");
  // The slot is free for the next student at once.
  s.wait_until([&] { return s.api("POST", "/api/v1/holds",
                                  R"({"tutor_id":"anouk","start":")" + start +
                                      R"(","duration_minutes":60,"student_ref":"next"})").status == 201; },
               "the slot can be held again");
}

BOOST_AUTO_TEST_CASE(a_failed_card_keeps_the_session_open_for_another_try) {
  payment_service s("pay_failed");
  auto booking = s.hold(s.free_start(7));
  auto order = s.checkout(booking);
  BOOST_REQUIRE(s.stripe_http.press(text_of(order, "session_id"), "fail").status == 200);
  s.wait_until([&] { return s.scalar("SELECT count(*) FROM payments WHERE status = 'failed'") == 1; },
               "the failed attempt is recorded");
  BOOST_TEST(s.booking_status(booking) == "held");
  BOOST_REQUIRE(s.stripe_http.press(text_of(order, "session_id"), "pay").status == 200);
  s.wait_until([&] { return s.booking_status(booking) == "confirmed"; }, "the retry confirms the booking");
}

BOOST_AUTO_TEST_CASE(cancelling_a_paid_lesson_early_refunds_it_and_deletes_the_event) {
  payment_service s("pay_cancel");
  auto booking = s.hold(s.free_start(7));  // a week ahead: the 100 % tier of the sample policy
  auto order = s.checkout(booking);
  s.stripe_http.press(text_of(order, "session_id"), "pay");
  s.wait_until([&] { return events_of_booking(s, booking) == 1; }, "the calendar event exists");

  auto cancelled = s.api("DELETE", "/api/v1/bookings/" + booking);
  BOOST_REQUIRE_MESSAGE(cancelled.status == 200, cancelled.body);
  auto order_id = text_of(order, "order_id");
  s.wait_until([&] { return s.order_status(order_id) == "refunded"; }, "the order is refunded");
  BOOST_TEST(s.scalar("SELECT refunded_cents - total_cents FROM orders") == 0);
  BOOST_TEST(s.scalar("SELECT count(*) FROM payments WHERE kind = 'refund' AND status = 'succeeded'") == 1);
  s.wait_until([&] { return events_of_booking(s, booking) == 0; }, "the calendar event is deleted");
}

BOOST_AUTO_TEST_CASE(a_refund_made_in_stripe_cancels_the_booking) {
  payment_service s("pay_dashboard_refund");
  auto booking = s.hold(s.free_start(7));
  auto order = s.checkout(booking);
  s.stripe_http.press(text_of(order, "session_id"), "pay");
  s.wait_until([&] { return s.booking_status(booking) == "confirmed"; }, "the booking is confirmed");
  auto session = json::parse(*s.stripe.sandbox().object_json(text_of(order, "session_id"))).as_object();
  // As staff would in the Stripe dashboard.
  auto refund = s.stripe_http.post("/v1/refunds", {{"payment_intent", text_of(session, "payment_intent")}});
  BOOST_REQUIRE_MESSAGE(refund.status == 200, refund.text);
  s.wait_until([&] { return s.booking_status(booking) == "cancelled"; }, "the booking is cancelled");
  s.wait_until([&] { return events_of_booking(s, booking) == 0; }, "the calendar event is deleted");
}

BOOST_AUTO_TEST_CASE(a_webhook_that_never_arrives_is_found_by_the_reconciler) {
  payment_service s("pay_dropped", [](config::config& cfg) { cfg.service.providers.stripe.reconcile = 1s; });
  auto booking = s.hold(s.free_start(7));
  auto order = s.checkout(booking);
  s.stripe.sandbox().drop_next_deliveries(100);
  s.stripe_http.press(text_of(order, "session_id"), "pay");
  s.wait_until([&] { return s.booking_status(booking) == "confirmed"; }, "the reconciler confirms the booking");
  BOOST_TEST(s.scalar("SELECT count(*) FROM webhook_inbox WHERE event_type = 'checkout.session.completed'") == 1);
}

BOOST_AUTO_TEST_CASE(the_free_trial_is_given_once_per_student_and_packages_pay_lessons_from_credit) {
  payment_service s("pay_trial_credit");
  auto first = s.hold(s.free_start(7), "maria");
  auto trial = s.api("POST", "/api/v1/bookings/" + first + "/confirm-free", R"({"student_ref":"maria","use":"trial"})");
  BOOST_TEST(trial.status == 200, trial.body);
  auto second = s.hold(s.free_start(14), "maria");
  auto again = s.api("POST", "/api/v1/bookings/" + second + "/confirm-free", R"({"student_ref":"maria","use":"trial"})");
  BOOST_TEST(again.status == 409);
  BOOST_TEST(again.body.find("trial_already_used") != std::string::npos);
  auto no_credit = s.api("POST", "/api/v1/bookings/" + second + "/confirm-free", R"({"student_ref":"maria","use":"credit"})");
  BOOST_TEST(no_credit.status == 409);
  BOOST_TEST(no_credit.body.find("no_credit") != std::string::npos);

  auto package = s.api("POST", "/api/v1/packages/checkout", R"({"product_id":"package-2x60","student_ref":"maria"})");
  BOOST_REQUIRE_MESSAGE(package.status == 201, package.body);
  s.stripe_http.press(text_of(json::parse(package.body).as_object(), "session_id"), "pay");
  s.wait_until([&] { return s.api("GET", "/api/v1/students/maria/credit").body == R"({"lessons":2})"; },
               "two lessons are on maria's credit");
  auto from_credit = s.api("POST", "/api/v1/bookings/" + second + "/confirm-free", R"({"student_ref":"maria","use":"credit"})");
  BOOST_TEST(from_credit.status == 200, from_credit.body);
  BOOST_TEST(s.api("GET", "/api/v1/students/maria/credit").body == R"({"lessons":1})");
}

BOOST_AUTO_TEST_SUITE_END()
