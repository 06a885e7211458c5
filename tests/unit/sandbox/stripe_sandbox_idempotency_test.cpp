// Idempotency keys in the Stripe sandbox: replay, mismatch, scope, and what is not kept.
#include <algorithm>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/stripe/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::lesson_session_form;
using testing::stripe_sandbox_fixture;

namespace {

std::string text(const json::value& v) { return std::string(v.as_string()); }

std::size_t session_count(const testing::stripe_api& api) {
  return api.get("/v1/checkout/sessions", {{"limit", "100"}}).body.at("data").as_array().size();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_sandbox_idempotency)

BOOST_FIXTURE_TEST_CASE(the_same_key_and_parameters_replay_the_first_answer, stripe_sandbox_fixture) {
  auto first = api.post("/v1/checkout/sessions", lesson_session_form(), "order-42");
  BOOST_TEST_REQUIRE(first.status == 200);
  BOOST_TEST(first.header("Idempotent-Replayed").empty());
  auto second = api.post("/v1/checkout/sessions", lesson_session_form(), "order-42");
  BOOST_TEST(second.status == 200);
  BOOST_TEST(second.text == first.text);
  BOOST_TEST(second.header("Idempotent-Replayed") == "true");
  BOOST_TEST(second.header("Original-Request") == first.header("Request-Id"));
  BOOST_TEST(second.header("Request-Id") != first.header("Request-Id"));
  BOOST_TEST(second.header("Idempotency-Key") == "order-42");
  BOOST_TEST(session_count(api) == 1u);
}

BOOST_FIXTURE_TEST_CASE(parameter_order_does_not_make_another_request, stripe_sandbox_fixture) {
  auto form = lesson_session_form();
  BOOST_TEST_REQUIRE(api.post("/v1/checkout/sessions", form, "k").status == 200);
  std::reverse(form.begin(), form.end());
  auto again = api.post("/v1/checkout/sessions", form, "k");
  BOOST_TEST(again.status == 200);
  BOOST_TEST(again.header("Idempotent-Replayed") == "true");
}

BOOST_FIXTURE_TEST_CASE(the_same_key_with_other_parameters_is_an_idempotency_error, stripe_sandbox_fixture) {
  BOOST_TEST_REQUIRE(api.post("/v1/checkout/sessions", lesson_session_form(4500), "order-42").status == 200);
  auto other = api.post("/v1/checkout/sessions", lesson_session_form(5000), "order-42");
  BOOST_TEST(other.status == 400);
  BOOST_TEST(other.error("type") == "idempotency_error");
  BOOST_TEST(other.error("message").find("'order-42'") != std::string::npos);
  BOOST_TEST(session_count(api) == 1u);
}

BOOST_FIXTURE_TEST_CASE(the_same_key_on_another_endpoint_is_an_idempotency_error, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  BOOST_TEST_REQUIRE(api.post("/v1/checkout/sessions/" + id + "/expire", {}, "k1").status == 200);
  BOOST_TEST(api.post("/v1/checkout/sessions", lesson_session_form(), "k1").error("type") == "idempotency_error");
}

BOOST_AUTO_TEST_CASE(keys_are_scoped_to_the_api_key) {
  auto options = testing::stripe_sandbox_server::test_options();
  options.secret_keys = {"sk_test_school_a", "sk_test_school_b"};
  testing::stripe_sandbox_server server(options);
  testing::stripe_api a(server.port(), "sk_test_school_a"), b(server.port(), "sk_test_school_b");
  auto first = a.post("/v1/checkout/sessions", lesson_session_form(4500), "shared-key");
  auto second = b.post("/v1/checkout/sessions", lesson_session_form(5000), "shared-key");
  BOOST_TEST(first.status == 200);
  BOOST_TEST(second.status == 200);
  BOOST_TEST(second.header("Idempotent-Replayed").empty());
  BOOST_TEST(text(first.body.at("id")) != text(second.body.at("id")));
}

BOOST_FIXTURE_TEST_CASE(a_refused_request_is_not_remembered, stripe_sandbox_fixture) {
  auto form = lesson_session_form();
  std::erase_if(form, [](const auto& f) { return f.first == "mode"; });
  BOOST_TEST_REQUIRE(api.post("/v1/checkout/sessions", form, "k2").status == 400);
  auto fixed = api.post("/v1/checkout/sessions", lesson_session_form(), "k2");
  BOOST_TEST(fixed.status == 200);
  BOOST_TEST(fixed.header("Idempotent-Replayed").empty());
}

BOOST_FIXTURE_TEST_CASE(an_injected_fault_is_not_remembered_so_the_retry_succeeds, stripe_sandbox_fixture) {
  sandbox.fail_next(1, 500, "POST /v1/checkout/sessions");
  BOOST_TEST_REQUIRE(api.post("/v1/checkout/sessions", lesson_session_form(), "k3").status == 500);
  auto retry = api.post("/v1/checkout/sessions", lesson_session_form(), "k3");
  BOOST_TEST(retry.status == 200);
  BOOST_TEST(session_count(api) == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_replayed_refund_refunds_once, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  const auto intent = text(api.press(id, "pay").body.at("payment_intent"));
  auto first = api.post("/v1/refunds", {{"payment_intent", intent}, {"amount", "1000"}}, "refund-booking-7");
  auto second = api.post("/v1/refunds", {{"payment_intent", intent}, {"amount", "1000"}}, "refund-booking-7");
  BOOST_TEST_REQUIRE(first.status == 200);
  BOOST_TEST(second.status == 200);
  BOOST_TEST(text(second.body.at("id")) == text(first.body.at("id")));
  BOOST_TEST(api.event_types({{"type", "refund.created"}}).size() == 1u);
  const auto charge = text(api.get("/v1/payment_intents/" + intent).body.at("latest_charge"));
  BOOST_TEST(api.get("/v1/charges/" + charge).body.at("amount_refunded").as_int64() == 1000);
}

BOOST_FIXTURE_TEST_CASE(a_key_over_255_characters_is_refused, stripe_sandbox_fixture) {
  auto a = api.post("/v1/checkout/sessions", lesson_session_form(), std::string(256, 'k'));
  BOOST_TEST(a.status == 400);
  BOOST_TEST(session_count(api) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
