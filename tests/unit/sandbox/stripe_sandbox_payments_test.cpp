// The hosted page's outcomes (pay, fail, expire), the events they emit, their signed
// delivery, and sessions expiring by themselves.
#include <algorithm>
#include <chrono>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "net/stripe_signature.hpp"
#include "tests/support/stripe/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::eventually;
using testing::stripe_sandbox_fixture;
using testing::stripe_webhook_fixture;

namespace {

std::string text(const json::value& v) { return std::string(v.as_string()); }

std::chrono::sys_seconds wall_now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// What tutorbot's webhook route would conclude about a delivery's signature.
std::string verdict(const testing::received_webhook& w, const std::string& secret) {
  return std::string(net::to_string(net::verify_stripe_signature(w.signature, w.body, {secret}, wall_now())));
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_sandbox_payments)

BOOST_FIXTURE_TEST_CASE(pay_completes_the_session_with_a_succeeded_payment_intent_and_charge, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  auto paid = api.press(id, "pay", {{"payment_method_type", "ideal"}});
  BOOST_TEST_REQUIRE(paid.status == 200);
  BOOST_TEST(text(paid.body.at("status")) == "complete");
  BOOST_TEST(text(paid.body.at("payment_status")) == "paid");
  BOOST_TEST(paid.body.at("url").is_null());
  const auto intent_id = text(paid.body.at("payment_intent"));
  BOOST_TEST(intent_id.starts_with("pi_"));

  auto intent = api.get("/v1/payment_intents/" + intent_id);
  BOOST_TEST_REQUIRE(intent.status == 200);
  BOOST_TEST(text(intent.body.at("status")) == "succeeded");
  BOOST_TEST(intent.body.at("amount_received").as_int64() == 4500);
  const auto charge_id = text(intent.body.at("latest_charge"));
  auto charge = api.get("/v1/charges/" + charge_id);
  BOOST_TEST(charge.body.at("paid").as_bool());
  BOOST_TEST(text(charge.body.at("status")) == "succeeded");
  BOOST_TEST(text(charge.body.at("payment_method_details").at("type")) == "ideal");
  BOOST_TEST(text(charge.body.at("payment_intent")) == intent_id);
}

BOOST_FIXTURE_TEST_CASE(pay_lists_its_events_newest_first, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  BOOST_TEST_REQUIRE(api.press(id, "pay").status == 200);
  const std::vector<std::string> expected{"checkout.session.completed", "payment_intent.succeeded", "charge.succeeded",
                                          "payment_intent.created"};
  BOOST_TEST(api.event_types() == expected, boost::test_tools::per_element());

  auto events = api.get("/v1/events", {{"type", "checkout.session.completed"}});
  const auto& event = events.body.at("data").at(0).as_object();
  BOOST_TEST(text(event.at("id")).starts_with("evt_"));
  BOOST_TEST(text(event.at("object")) == "event");
  BOOST_TEST(text(event.at("api_version")) == "2026-10-28.endive");
  BOOST_TEST(event.at("livemode").as_bool() == false);
  BOOST_TEST(event.at("request").at("id").is_null());  // the customer did it, not an API call
  const auto& session = event.at("data").at("object");
  BOOST_TEST(text(session.at("id")) == id);
  BOOST_TEST(text(session.at("payment_status")) == "paid");
  BOOST_TEST(text(session.at("metadata").at("order_id")) == "order-42");
  BOOST_TEST(text(session.at("client_reference_id")) == "booking-7");
}

BOOST_FIXTURE_TEST_CASE(events_filter_by_type_pattern_types_and_created, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  BOOST_TEST_REQUIRE(api.press(id, "pay").status == 200);
  BOOST_TEST(api.event_types({{"type", "payment_intent.*"}}).size() == 2u);
  BOOST_TEST(api.event_types({{"types[0]", "charge.succeeded"}, {"types[1]", "checkout.session.completed"}}).size() ==
             2u);
  const auto now = sandbox.now().time_since_epoch().count();
  BOOST_TEST(api.event_types({{"created[gte]", std::to_string(now + 60)}}).empty());
  BOOST_TEST(api.event_types({{"created[lte]", std::to_string(now + 60)}}).size() == 4u);
}

BOOST_FIXTURE_TEST_CASE(events_page_with_limit_and_starting_after, stripe_sandbox_fixture) {
  BOOST_TEST_REQUIRE(api.press(text(api.create_session().at("id")), "pay").status == 200);
  auto first = api.get("/v1/events", {{"limit", "3"}});
  BOOST_TEST(first.body.at("data").as_array().size() == 3u);
  BOOST_TEST(first.body.at("has_more").as_bool());
  const auto last = text(first.body.at("data").at(2).at("id"));
  auto rest = api.get("/v1/events", {{"limit", "3"}, {"starting_after", last}});
  BOOST_TEST(rest.body.at("data").as_array().size() == 1u);
  BOOST_TEST(!rest.body.at("has_more").as_bool());
  BOOST_TEST(text(rest.body.at("data").at(0).at("type")) == "payment_intent.created");
}

BOOST_FIXTURE_TEST_CASE(pay_delivers_signed_events_to_the_webhook_endpoint, stripe_webhook_fixture) {
  const auto id = text(api.create_session().at("id"));
  BOOST_TEST_REQUIRE(api.press(id, "pay").status == 200);
  const auto received = receiver.wait_for(4);
  BOOST_TEST_REQUIRE(received.size() == 4u);
  auto completed = std::find_if(received.begin(), received.end(), [](const testing::received_webhook& w) {
    return w.body.find("\"checkout.session.completed\"") != std::string::npos;
  });
  BOOST_TEST_REQUIRE((completed != received.end()));
  BOOST_TEST(verdict(*completed, testing::test_webhook_secret) == "valid");
  BOOST_TEST(verdict(*completed, "whsec_other") == "no_matching_signature");
  BOOST_TEST(completed->content_type == "application/json; charset=utf-8");
  BOOST_TEST(completed->user_agent == "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
  const auto event = json::parse(completed->body).as_object();
  BOOST_TEST(text(event.at("data").at("object").at("id")) == id);

  // Once delivered, the listed event no longer counts a pending webhook.
  const auto event_id = text(event.at("id"));
  BOOST_TEST(eventually([&] { return api.get("/v1/events/" + event_id).body.at("pending_webhooks").as_int64() == 0; }));
}

BOOST_FIXTURE_TEST_CASE(fail_keeps_the_session_open_and_a_later_pay_reuses_the_payment_intent,
                        stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  auto failed = api.press(id, "fail");
  BOOST_TEST_REQUIRE(failed.status == 200);
  BOOST_TEST(text(failed.body.at("status")) == "open");
  BOOST_TEST(text(failed.body.at("payment_status")) == "unpaid");
  const auto intent_id = text(failed.body.at("payment_intent"));
  const auto types = api.event_types();
  BOOST_TEST(types.front() == "payment_intent.payment_failed");
  BOOST_TEST(contains(types, "charge.failed"));
  auto intent = api.get("/v1/payment_intents/" + intent_id);
  BOOST_TEST(text(intent.body.at("status")) == "requires_payment_method");
  BOOST_TEST(text(intent.body.at("last_payment_error").at("code")) == "card_declined");

  auto paid = api.press(id, "pay");
  BOOST_TEST_REQUIRE(paid.status == 200);
  BOOST_TEST(text(paid.body.at("status")) == "complete");
  BOOST_TEST(text(paid.body.at("payment_intent")) == intent_id);
  BOOST_TEST(api.event_types({{"type", "payment_intent.created"}}).size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(the_page_expire_button_expires_the_session, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  auto expired = api.press(id, "expire");
  BOOST_TEST_REQUIRE(expired.status == 200);
  BOOST_TEST(text(expired.body.at("status")) == "expired");
  BOOST_TEST(api.event_types() == std::vector<std::string>{"checkout.session.expired"},
             boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(expiring_after_a_declined_attempt_cancels_the_payment_intent, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  const auto intent_id = text(api.press(id, "fail").body.at("payment_intent"));
  BOOST_TEST_REQUIRE(api.post("/v1/checkout/sessions/" + id + "/expire", {}).status == 200);
  BOOST_TEST(text(api.get("/v1/payment_intents/" + intent_id).body.at("status")) == "canceled");
  const auto types = api.event_types();
  BOOST_TEST(types.at(0) == "checkout.session.expired");
  BOOST_TEST(types.at(1) == "payment_intent.canceled");
}

BOOST_FIXTURE_TEST_CASE(paying_a_session_that_is_no_longer_open_is_refused, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  BOOST_TEST_REQUIRE(api.press(id, "expire").status == 200);
  auto a = api.press(id, "pay");
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("message").find("expired") != std::string::npos);
  BOOST_TEST(api.press("cs_test_unknown", "pay").status == 404);
}

BOOST_FIXTURE_TEST_CASE(a_session_past_expires_at_expires_by_itself, stripe_webhook_fixture) {
  const auto at = sandbox.now() + std::chrono::minutes(31);
  const auto id = text(api.create_session({{"expires_at", std::to_string(at.time_since_epoch().count())}}).at("id"));
  sandbox.advance_clock(std::chrono::minutes(32));
  BOOST_TEST(eventually([&] { return text(api.get("/v1/checkout/sessions/" + id).body.at("status")) == "expired"; }));
  BOOST_TEST(api.event_types() == std::vector<std::string>{"checkout.session.expired"},
             boost::test_tools::per_element());
  const auto received = receiver.wait_for(1);
  BOOST_TEST_REQUIRE(received.size() == 1u);
  BOOST_TEST(received[0].body.find(id) != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_session_not_yet_due_stays_open, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));  // expires in 24 h
  sandbox.advance_clock(std::chrono::hours(23));
  BOOST_TEST(text(api.get("/v1/checkout/sessions/" + id).body.at("status")) == "open");
  BOOST_TEST(api.event_types().empty());
}

BOOST_FIXTURE_TEST_CASE(the_hosted_page_shows_the_amount_line_items_and_buttons, stripe_sandbox_fixture) {
  const auto session = api.create_session();
  const auto id = text(session.at("id"));
  auto page = api.raw("GET", "/checkout/" + id, "", "");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.header("Content-Type").starts_with("text/html"));
  BOOST_TEST(page.text.find("€45.00") != std::string::npos);
  BOOST_TEST(page.text.find("Wiskunde 60 min") != std::string::npos);
  BOOST_TEST(page.text.find("action=\"/checkout/" + id + "/pay\"") != std::string::npos);
  BOOST_TEST(page.text.find("action=\"/checkout/" + id + "/fail\"") != std::string::npos);
  BOOST_TEST(page.text.find("action=\"/checkout/" + id + "/expire\"") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(paying_from_the_html_page_links_back_to_the_success_url, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  auto page = api.raw("POST", "/checkout/" + id + "/pay", "payment_method_type=card",
                      "Content-Type: application/x-www-form-urlencoded\r\n");
  BOOST_TEST(page.status == 200);
  BOOST_TEST(page.text.find("Paid.") != std::string::npos);
  BOOST_TEST(page.text.find("https://example.com/paid?session=" + id) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
