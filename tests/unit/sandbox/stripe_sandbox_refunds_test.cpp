// Refunds in the Stripe sandbox: partial, full, too much, and the events they emit.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/stripe/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::stripe_sandbox_fixture;

namespace {

std::string text(const json::value& v) { return std::string(v.as_string()); }

// A session paid for 45.00 EUR; its PaymentIntent id.
struct paid_fixture : stripe_sandbox_fixture {
  paid_fixture() {
    session_id = text(api.create_session().at("id"));
    auto paid = api.press(session_id, "pay");
    BOOST_REQUIRE(paid.status == 200);
    intent_id = text(paid.body.at("payment_intent"));
    charge_id = text(api.get("/v1/payment_intents/" + intent_id).body.at("latest_charge"));
  }
  json::value charge() const { return api.get("/v1/charges/" + charge_id).body; }

  std::string session_id, intent_id, charge_id;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_sandbox_refunds)

BOOST_FIXTURE_TEST_CASE(a_partial_refund_succeeds_and_leaves_the_rest_refundable, paid_fixture) {
  auto a = api.post("/v1/refunds", {{"payment_intent", intent_id},
                                    {"amount", "1500"},
                                    {"reason", "requested_by_customer"},
                                    {"metadata[booking_id]", "77"}});
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& refund = a.body.as_object();
  BOOST_TEST(text(refund.at("id")).starts_with("re_"));
  BOOST_TEST(text(refund.at("object")) == "refund");
  BOOST_TEST(text(refund.at("status")) == "succeeded");
  BOOST_TEST(refund.at("amount").as_int64() == 1500);
  BOOST_TEST(text(refund.at("currency")) == "eur");
  BOOST_TEST(text(refund.at("charge")) == charge_id);
  BOOST_TEST(text(refund.at("payment_intent")) == intent_id);
  BOOST_TEST(text(refund.at("reason")) == "requested_by_customer");
  BOOST_TEST(text(refund.at("metadata").at("booking_id")) == "77");
  BOOST_TEST(charge().at("amount_refunded").as_int64() == 1500);
  BOOST_TEST(charge().at("refunded").as_bool() == false);

  auto fetched = api.get("/v1/refunds/" + text(refund.at("id")));
  BOOST_TEST(json::serialize(fetched.body) == json::serialize(a.body));
}

BOOST_FIXTURE_TEST_CASE(a_refund_emits_refund_created_and_charge_refunded, paid_fixture) {
  BOOST_TEST_REQUIRE(api.post("/v1/refunds", {{"payment_intent", intent_id}, {"amount", "1000"}}).status == 200);
  const auto types = api.event_types();
  BOOST_TEST(types.at(0) == "charge.refunded");
  BOOST_TEST(types.at(1) == "refund.created");
  auto events = api.get("/v1/events", {{"type", "charge.refunded"}});
  const auto& data = events.body.at("data").at(0).at("data");
  BOOST_TEST(data.at("object").at("amount_refunded").as_int64() == 1000);
  BOOST_TEST(data.at("previous_attributes").at("amount_refunded").as_int64() == 0);
}

BOOST_FIXTURE_TEST_CASE(a_refund_without_amount_refunds_everything_and_marks_the_charge_refunded, paid_fixture) {
  auto a = api.post("/v1/refunds", {{"charge", charge_id}});
  BOOST_TEST_REQUIRE(a.status == 200);
  BOOST_TEST(a.body.at("amount").as_int64() == 4500);
  BOOST_TEST(charge().at("amount_refunded").as_int64() == 4500);
  BOOST_TEST(charge().at("refunded").as_bool());
  BOOST_TEST(charge().at("refunds").at("data").as_array().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(refunding_more_than_is_left_is_400_amount_too_large, paid_fixture) {
  BOOST_TEST_REQUIRE(api.post("/v1/refunds", {{"payment_intent", intent_id}, {"amount", "1500"}}).status == 200);
  auto a = api.post("/v1/refunds", {{"payment_intent", intent_id}, {"amount", "3001"}});
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("type") == "invalid_request_error");
  BOOST_TEST(a.error("code") == "amount_too_large");
  BOOST_TEST(a.error("param") == "amount");
  BOOST_TEST(a.error("message") == "Refund amount (€30.01) is greater than unrefunded amount on charge (€30.00)");
  BOOST_TEST(charge().at("amount_refunded").as_int64() == 1500);
  BOOST_TEST(api.post("/v1/refunds", {{"payment_intent", intent_id}, {"amount", "3000"}}).status == 200);
}

BOOST_FIXTURE_TEST_CASE(refunding_a_fully_refunded_charge_is_charge_already_refunded, paid_fixture) {
  BOOST_TEST_REQUIRE(api.post("/v1/refunds", {{"payment_intent", intent_id}}).status == 200);
  auto a = api.post("/v1/refunds", {{"payment_intent", intent_id}});
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("code") == "charge_already_refunded");
}

BOOST_FIXTURE_TEST_CASE(a_refund_names_a_charge_or_payment_intent, paid_fixture) {
  BOOST_TEST(api.post("/v1/refunds", {{"amount", "100"}}).status == 400);
  auto unknown = api.post("/v1/refunds", {{"payment_intent", "pi_unknown"}});
  BOOST_TEST(unknown.status == 400);
  BOOST_TEST(unknown.error("code") == "resource_missing");
  BOOST_TEST(unknown.error("param") == "payment_intent");
  BOOST_TEST(api.post("/v1/refunds", {{"payment_intent", intent_id}, {"reason", "changed_mind"}}).status == 400);
  BOOST_TEST(api.post("/v1/refunds", {{"payment_intent", intent_id}, {"amount", "0"}}).status == 400);
}

BOOST_FIXTURE_TEST_CASE(a_payment_intent_without_a_successful_charge_cannot_be_refunded, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  const auto intent_id = text(api.press(id, "fail").body.at("payment_intent"));
  auto a = api.post("/v1/refunds", {{"payment_intent", intent_id}});
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("param") == "payment_intent");
}

BOOST_FIXTURE_TEST_CASE(refunds_list_filters_by_payment_intent, paid_fixture) {
  BOOST_TEST_REQUIRE(api.post("/v1/refunds", {{"payment_intent", intent_id}, {"amount", "500"}}).status == 200);
  BOOST_TEST_REQUIRE(api.post("/v1/refunds", {{"payment_intent", intent_id}, {"amount", "700"}}).status == 200);
  auto list = api.get("/v1/refunds", {{"payment_intent", intent_id}});
  BOOST_TEST_REQUIRE(list.body.at("data").as_array().size() == 2u);
  BOOST_TEST(list.body.at("data").at(0).at("amount").as_int64() == 700);  // newest first
  BOOST_TEST(api.get("/v1/refunds", {{"payment_intent", "pi_other"}}).body.at("data").as_array().empty());
}

BOOST_AUTO_TEST_SUITE_END()
