// The Stripe sandbox's Checkout Session API over HTTP: Stripe's auth, validation, nested
// form parameters, object shape, retrieve / expire / list / expand.
#include <chrono>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/stripe/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::lesson_session_form;
using testing::stripe_sandbox_fixture;

namespace {

net::form_fields without(net::form_fields fields, const std::string& key) {
  std::erase_if(fields, [&](const auto& f) { return f.first == key; });
  return fields;
}

net::form_fields with(net::form_fields fields, const std::string& key, const std::string& value) {
  fields.emplace_back(key, value);
  return fields;
}

std::int64_t unix_of(std::chrono::sys_seconds t) { return t.time_since_epoch().count(); }

std::string text(const json::value& v) { return std::string(v.as_string()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_sandbox_sessions)

BOOST_FIXTURE_TEST_CASE(a_call_without_an_api_key_is_401_with_stripes_error_body, stripe_sandbox_fixture) {
  auto a = api.raw("POST", "/v1/checkout/sessions", net::encode_form(lesson_session_form()),
                   "Content-Type: application/x-www-form-urlencoded\r\n");
  BOOST_TEST(a.status == 401);
  BOOST_TEST(a.error("type") == "invalid_request_error");
  BOOST_TEST(a.error("message").starts_with("You did not provide an API key."));
  BOOST_TEST(a.header("WWW-Authenticate") == "Basic realm=\"Stripe\"");
}

BOOST_FIXTURE_TEST_CASE(another_key_is_401_and_the_key_is_masked_in_the_message, stripe_sandbox_fixture) {
  testing::stripe_api stranger(server.port(), "sk_test_someoneelsesKey0000004321");
  auto a = stranger.get("/v1/events");
  BOOST_TEST(a.status == 401);
  BOOST_TEST(a.error("message").starts_with("Invalid API Key provided: sk_test_"));
  BOOST_TEST(a.error("message").ends_with("4321"));
  BOOST_TEST(a.error("message").find("someoneelses") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(basic_auth_with_the_key_as_user_name_is_accepted, stripe_sandbox_fixture) {
  // curl -u sk_test_sandbox:  → base64("sk_test_sandbox:")
  auto a = api.raw("GET", "/v1/events", "", "Authorization: Basic c2tfdGVzdF9zYW5kYm94Og==\r\n");
  BOOST_TEST(a.status == 200);
}

BOOST_FIXTURE_TEST_CASE(create_without_mode_names_the_missing_param, stripe_sandbox_fixture) {
  auto a = api.post("/v1/checkout/sessions", without(lesson_session_form(), "mode"));
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("type") == "invalid_request_error");
  BOOST_TEST(a.error("code") == "parameter_missing");
  BOOST_TEST(a.error("param") == "mode");
  BOOST_TEST(a.error("message") == "Missing required param: mode.");
}

BOOST_FIXTURE_TEST_CASE(create_without_line_items_names_line_items, stripe_sandbox_fixture) {
  net::form_fields form{{"mode", "payment"}, {"success_url", "https://example.com/ok"}};
  auto a = api.post("/v1/checkout/sessions", form);
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("param") == "line_items");
}

BOOST_FIXTURE_TEST_CASE(create_without_a_quantity_names_the_nested_param, stripe_sandbox_fixture) {
  auto a = api.post("/v1/checkout/sessions", without(lesson_session_form(), "line_items[0][quantity]"));
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("code") == "parameter_missing");
  BOOST_TEST(a.error("param") == "line_items[0][quantity]");
}

BOOST_FIXTURE_TEST_CASE(create_with_an_unknown_nested_param_is_parameter_unknown, stripe_sandbox_fixture) {
  auto a = api.post("/v1/checkout/sessions", with(lesson_session_form(), "line_items[0][price_data][amount]", "1"));
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("code") == "parameter_unknown");
  BOOST_TEST(a.error("param") == "line_items[0][price_data][amount]");
}

BOOST_FIXTURE_TEST_CASE(a_non_integer_amount_is_parameter_invalid_integer, stripe_sandbox_fixture) {
  auto form = without(lesson_session_form(), "line_items[0][price_data][unit_amount]");
  auto a = api.post("/v1/checkout/sessions", with(form, "line_items[0][price_data][unit_amount]", "45.00"));
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("code") == "parameter_invalid_integer");
  BOOST_TEST(a.error("param") == "line_items[0][price_data][unit_amount]");
}

BOOST_FIXTURE_TEST_CASE(expires_at_less_than_30_minutes_ahead_is_refused, stripe_sandbox_fixture) {
  const auto at = unix_of(sandbox.now() + std::chrono::minutes(29));
  auto a = api.post("/v1/checkout/sessions", with(lesson_session_form(), "expires_at", std::to_string(at)));
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("param") == "expires_at");
  BOOST_TEST(a.error("message").find("at least 30 minutes") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(expires_at_more_than_24_hours_ahead_is_refused, stripe_sandbox_fixture) {
  const auto at = unix_of(sandbox.now() + std::chrono::hours(24) + std::chrono::minutes(1));
  auto a = api.post("/v1/checkout/sessions", with(lesson_session_form(), "expires_at", std::to_string(at)));
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("param") == "expires_at");
}

BOOST_FIXTURE_TEST_CASE(expires_at_inside_the_window_is_kept, stripe_sandbox_fixture) {
  const auto at = unix_of(sandbox.now() + std::chrono::hours(2));
  auto session = api.create_session({{"expires_at", std::to_string(at)}});
  BOOST_TEST(session.at("expires_at").as_int64() == at);
}

BOOST_FIXTURE_TEST_CASE(ideal_with_a_currency_other_than_eur_is_refused, stripe_sandbox_fixture) {
  auto form = without(lesson_session_form(), "line_items[0][price_data][currency]");
  auto a = api.post("/v1/checkout/sessions", with(form, "line_items[0][price_data][currency]", "usd"));
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("param") == "payment_method_types");
}

BOOST_FIXTURE_TEST_CASE(nested_form_keys_become_line_items_and_metadata, stripe_sandbox_fixture) {
  net::form_fields form{{"mode", "payment"},
                        {"line_items[0][price_data][currency]", "eur"},
                        {"line_items[0][price_data][unit_amount]", "4500"},
                        {"line_items[0][price_data][product_data][name]", "Wiskunde 60 min"},
                        {"line_items[0][quantity]", "1"},
                        {"line_items[1][price_data][currency]", "EUR"},
                        {"line_items[1][price_data][unit_amount]", "3000"},
                        {"line_items[1][price_data][product_data][name]", "Engels 45 min & huiswerk"},
                        {"line_items[1][quantity]", "2"},
                        {"payment_method_types[]", "ideal"},
                        {"payment_method_types[]", "card"},
                        {"metadata[order_id]", "order-42"},
                        {"metadata[student]", "Sanne de Vries"},
                        {"metadata[empty]", ""},
                        {"locale", "nl"},
                        {"customer_email", "ouder@example.nl"},
                        {"client_reference_id", "booking-7"}};
  auto a = api.post("/v1/checkout/sessions", form);
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& s = a.body.as_object();
  BOOST_TEST(s.at("amount_total").as_int64() == 4500 + 2 * 3000);
  BOOST_TEST(text(s.at("currency")) == "eur");
  BOOST_TEST(json::serialize(s.at("metadata")) == R"({"order_id":"order-42","student":"Sanne de Vries"})");
  BOOST_TEST(json::serialize(s.at("payment_method_types")) == R"(["ideal","card"])");
  BOOST_TEST(text(s.at("locale")) == "nl");
  BOOST_TEST(text(s.at("customer_email")) == "ouder@example.nl");
  BOOST_TEST(text(s.at("client_reference_id")) == "booking-7");

  auto items = api.get("/v1/checkout/sessions/" + text(s.at("id")) + "/line_items");
  BOOST_TEST_REQUIRE(items.status == 200);
  const auto& data = items.body.at("data").as_array();
  BOOST_TEST_REQUIRE(data.size() == 2u);
  BOOST_TEST(text(data[1].at("description")) == "Engels 45 min & huiswerk");
  BOOST_TEST(data[1].at("quantity").as_int64() == 2);
  BOOST_TEST(data[1].at("price").at("unit_amount").as_int64() == 3000);
  BOOST_TEST(data[1].at("amount_total").as_int64() == 6000);
  BOOST_TEST(text(data[0].at("object")) == "item");
}

BOOST_FIXTURE_TEST_CASE(a_created_session_is_open_unpaid_and_links_to_the_sandbox_page, stripe_sandbox_fixture) {
  auto a = api.post("/v1/checkout/sessions", lesson_session_form());
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& s = a.body.as_object();
  const auto id = text(s.at("id"));
  BOOST_TEST(id.starts_with("cs_test_"));
  BOOST_TEST(text(s.at("object")) == "checkout.session");
  BOOST_TEST(text(s.at("status")) == "open");
  BOOST_TEST(text(s.at("payment_status")) == "unpaid");
  BOOST_TEST(text(s.at("mode")) == "payment");
  BOOST_TEST(s.at("payment_intent").is_null());
  BOOST_TEST(s.at("livemode").as_bool() == false);
  BOOST_TEST(text(s.at("url")) == server.base_url() + "/checkout/" + id);
  BOOST_TEST(s.at("expires_at").as_int64() == s.at("created").as_int64() + 24 * 3600);
  BOOST_TEST(text(s.at("success_url")) == "https://example.com/paid?session={CHECKOUT_SESSION_ID}");
  BOOST_TEST(a.header("Request-Id").starts_with("req_"));
  BOOST_TEST(a.header("Stripe-Version") == "2026-10-28.endive");
}

BOOST_FIXTURE_TEST_CASE(retrieve_answers_the_session_and_404_for_an_unknown_id, stripe_sandbox_fixture) {
  const auto created = api.create_session();
  auto a = api.get("/v1/checkout/sessions/" + text(created.at("id")));
  BOOST_TEST(a.status == 200);
  BOOST_TEST(json::serialize(a.body) == json::serialize(created));

  auto missing = api.get("/v1/checkout/sessions/cs_test_nope");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.error("code") == "resource_missing");
  BOOST_TEST(missing.error("message") == "No such checkout.session: 'cs_test_nope'");
}

BOOST_FIXTURE_TEST_CASE(expire_ends_an_open_session_and_emits_checkout_session_expired, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  auto a = api.post("/v1/checkout/sessions/" + id + "/expire", {}, "expire-" + id);
  BOOST_TEST_REQUIRE(a.status == 200);
  BOOST_TEST(text(a.body.at("status")) == "expired");
  BOOST_TEST(a.body.at("url").is_null());

  auto events = api.get("/v1/events", {{"type", "checkout.session.expired"}});
  const auto& event = events.body.at("data").at(0);
  BOOST_TEST(text(event.at("data").at("object").at("id")) == id);
  // An event caused by an API call names that request, as Stripe's do.
  BOOST_TEST(text(event.at("request").at("id")) == a.header("Request-Id"));
  BOOST_TEST(text(event.at("request").at("idempotency_key")) == "expire-" + id);
}

BOOST_FIXTURE_TEST_CASE(expire_of_a_paid_session_is_400, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  BOOST_TEST_REQUIRE(api.press(id, "pay").status == 200);
  auto a = api.post("/v1/checkout/sessions/" + id + "/expire", {});
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("type") == "invalid_request_error");
  BOOST_TEST(a.error("message").find("complete") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(expand_inlines_the_payment_intent_and_its_charge, stripe_sandbox_fixture) {
  const auto id = text(api.create_session().at("id"));
  BOOST_TEST_REQUIRE(api.press(id, "pay").status == 200);
  auto a = api.get("/v1/checkout/sessions/" + id, {{"expand[]", "payment_intent.latest_charge"}});
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& intent = a.body.at("payment_intent");
  BOOST_TEST(text(intent.at("object")) == "payment_intent");
  BOOST_TEST(text(intent.at("status")) == "succeeded");
  BOOST_TEST(text(intent.at("latest_charge").at("object")) == "charge");

  auto bad = api.get("/v1/checkout/sessions/" + id, {{"expand[]", "currency"}});
  BOOST_TEST(bad.status == 400);
}

BOOST_FIXTURE_TEST_CASE(list_sessions_is_newest_first_and_filters_by_status, stripe_sandbox_fixture) {
  const auto first = text(api.create_session().at("id"));
  const auto second = text(api.create_session().at("id"));
  BOOST_TEST_REQUIRE(api.press(first, "pay").status == 200);
  auto all = api.get("/v1/checkout/sessions");
  BOOST_TEST(text(all.body.at("object")) == "list");
  BOOST_TEST(text(all.body.at("url")) == "/v1/checkout/sessions");
  BOOST_TEST(text(all.body.at("data").at(0).at("id")) == second);
  BOOST_TEST(text(all.body.at("data").at(1).at("id")) == first);
  auto open = api.get("/v1/checkout/sessions", {{"status", "open"}});
  BOOST_TEST(open.body.at("data").as_array().size() == 1u);
  BOOST_TEST(text(open.body.at("data").at(0).at("id")) == second);
}

BOOST_FIXTURE_TEST_CASE(a_json_body_is_refused_because_v1_takes_forms, stripe_sandbox_fixture) {
  auto a = api.raw("POST", "/v1/checkout/sessions", R"({"mode":"payment"})",
                   "Authorization: Bearer sk_test_sandbox\r\nContent-Type: application/json\r\n");
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("type") == "invalid_request_error");
}

BOOST_FIXTURE_TEST_CASE(a_malformed_stripe_version_is_refused, stripe_sandbox_fixture) {
  auto a = api.get("/v1/events", {}, "Stripe-Version: yesterday\r\n");
  BOOST_TEST(a.status == 400);
  BOOST_TEST(a.error("message").find("Invalid Stripe API version") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_same_seed_makes_the_same_ids) {
  testing::stripe_sandbox_server one, two;
  testing::stripe_api a(one.port(), one.secret_key()), b(two.port(), two.secret_key());
  BOOST_TEST(text(a.create_session().at("id")) == text(b.create_session().at("id")));
}

BOOST_AUTO_TEST_SUITE_END()
