// The Stripe JSON parser against payloads shaped after Stripe's own fixtures
// (stripe/openapi fixtures3.json, see ../shared/reference/stripe/): real field sets, nulls
// where Stripe sends them, fields we never read.
#include <string>

#include <boost/test/unit_test.hpp>

#include "net/stripe_json.hpp"

using namespace tutorbot::net;
using namespace std::chrono;

namespace {

// A checkout.session.completed webhook as Stripe sends it for an iDEAL payment.
const std::string completed_event = R"({
  "id": "evt_1PgdKLB7WZ01zgkWq3l4xY9s",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1767276000,
  "data": {
    "object": {
      "id": "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY",
      "object": "checkout.session",
      "after_expiration": null,
      "allow_promotion_codes": null,
      "amount_subtotal": 4500,
      "amount_total": 4500,
      "automatic_tax": {"enabled": false, "liability": null, "status": null},
      "cancel_url": "https://bijles.example.nl/betaling/geannuleerd",
      "client_reference_id": "order-7f3c",
      "client_secret": null,
      "created": 1767274200,
      "currency": "eur",
      "custom_fields": [],
      "customer": null,
      "customer_details": {
        "address": {"city": null, "country": "NL", "line1": null, "line2": null, "postal_code": null, "state": null},
        "email": "sanne.devries@example.nl",
        "name": "S. de Vries",
        "phone": null,
        "tax_exempt": "none",
        "tax_ids": []
      },
      "customer_email": "ouder@example.nl",
      "expires_at": 1767276120,
      "invoice": null,
      "livemode": false,
      "locale": "nl",
      "metadata": {"order_id": "7f3c", "booking_id": "b-42"},
      "mode": "payment",
      "payment_intent": "pi_3PgdKJB7WZ01zgkW0s1lVtIt",
      "payment_link": null,
      "payment_method_types": ["card", "ideal"],
      "payment_status": "paid",
      "shipping_cost": null,
      "status": "complete",
      "success_url": "https://bijles.example.nl/betaling/gelukt",
      "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
      "ui_mode": "hosted",
      "url": null
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {"id": null, "idempotency_key": null},
  "type": "checkout.session.completed"
})";

// Stripe's fixture Checkout Session (open, nothing paid yet, many nulls).
const std::string open_session = R"({
  "after_expiration": {"recovery": {"allow_promotion_codes": true, "enabled": true, "expires_at": null, "url": null}},
  "amount_subtotal": null,
  "amount_total": null,
  "cancel_url": "https://example.com/cancel",
  "client_reference_id": null,
  "created": 1234567890,
  "currency": null,
  "customer_details": {"address": null, "email": "example@example.com", "name": null, "phone": null,
                       "tax_exempt": "none", "tax_ids": null},
  "customer_email": null,
  "expires_at": 1234567890,
  "id": "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY",
  "livemode": false,
  "locale": null,
  "metadata": {},
  "mode": "payment",
  "object": "checkout.session",
  "payment_intent": "pi_1PgafyB7WZ01zgkWSjxsAJo3",
  "payment_method_types": ["card"],
  "payment_status": "unpaid",
  "shipping_address_collection": {"allowed_countries": ["SC"]},
  "status": "open",
  "success_url": "https://example.com/success",
  "url": "https://checkout.stripe.com/pay/c/cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY"
})";

const std::string charge_refunded_event = R"({
  "id": "evt_3PgeAAB7WZ01zgkW1x2y3z4a",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1767362400,
  "data": {
    "object": {
      "id": "ch_3PgdKJB7WZ01zgkW0abcdEfg",
      "object": "charge",
      "amount": 4500,
      "amount_captured": 4500,
      "amount_refunded": 4500,
      "balance_transaction": "txn_3PgdKJB7WZ01zgkW0qwerty",
      "billing_details": {"address": null, "email": null, "name": "S. de Vries", "phone": null},
      "captured": true,
      "currency": "eur",
      "customer": null,
      "failure_code": null,
      "failure_message": null,
      "metadata": {},
      "outcome": {"network_status": "approved_by_network", "reason": null, "type": "authorized"},
      "paid": true,
      "payment_intent": "pi_3PgdKJB7WZ01zgkW0s1lVtIt",
      "payment_method_details": {"ideal": {"bank": "ing", "bic": "INGBNL2A"}, "type": "ideal"},
      "refunded": true,
      "refunds": {"data": [], "has_more": false, "object": "list", "url": "/v1/charges/ch_3PgdKJB7WZ01zgkW0abcdEfg/refunds"},
      "status": "succeeded"
    },
    "previous_attributes": {"amount_refunded": 0, "refunded": false}
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {"id": "req_Qx7aBcDeFgHiJk", "idempotency_key": "refund-b-42"},
  "type": "charge.refunded"
})";

const std::string refund_failed_event = R"({
  "id": "evt_3PgeBBB7WZ01zgkW5b6c7d8e",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1767362500,
  "data": {
    "object": {
      "amount": 2250,
      "balance_transaction": null,
      "charge": "ch_3PgdKJB7WZ01zgkW0abcdEfg",
      "created": 1767362400,
      "currency": "eur",
      "destination_details": {"card": {"type": "reversal"}, "type": "card"},
      "failure_reason": "charge_for_pending_refund_disputed",
      "id": "re_3PgeAAB7WZ01zgkW0hijKlmn",
      "metadata": {"booking_id": "b-42", "order_id": "7f3c"},
      "object": "refund",
      "payment_intent": "pi_3PgdKJB7WZ01zgkW0s1lVtIt",
      "reason": "requested_by_customer",
      "receipt_number": null,
      "source_transfer_reversal": null,
      "status": "failed",
      "transfer_reversal": null
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {"id": null, "idempotency_key": null},
  "type": "refund.failed"
})";

const std::string payment_failed_event = R"({
  "id": "evt_3PgeCCB7WZ01zgkW9f0g1h2i",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1767276300,
  "data": {
    "object": {
      "amount": 4500,
      "amount_received": 0,
      "canceled_at": null,
      "capture_method": "automatic",
      "client_secret": "pi_3PgdKJB7WZ01zgkW0s1lVtIt_secret_Dm43xiq1k0ywrRRjDoi8y1gkM",
      "currency": "eur",
      "id": "pi_3PgdKJB7WZ01zgkW0s1lVtIt",
      "last_payment_error": {
        "code": "payment_intent_payment_attempt_failed",
        "message": "The payment failed.",
        "payment_method": {"id": "pm_1PgeCCB7WZ01zgkW", "type": "ideal"},
        "type": "invalid_request_error"
      },
      "latest_charge": null,
      "metadata": {"order_id": "7f3c"},
      "object": "payment_intent",
      "payment_method_types": ["ideal"],
      "status": "requires_payment_method"
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {"id": null, "idempotency_key": null},
  "type": "payment_intent.payment_failed"
})";

// Stripe's fixture event: a plan, an object type we do not model, and a null api_version.
const std::string plan_event = R"({
  "api_version": null,
  "created": 1234567890,
  "data": {
    "object": {
      "active": true, "aggregate_usage": null, "amount": 2000, "amount_decimal": "2000",
      "billing_scheme": "per_unit", "created": 1721948530, "currency": "usd",
      "id": "price_1PgafmB7WZ01zgkW6dKueIc5", "interval": "month", "interval_count": 1,
      "livemode": false, "metadata": {}, "meter": null, "nickname": null, "object": "plan",
      "product": "prod_QXg1hqf4jFNsqG", "tiers_mode": null, "transform_usage": null,
      "trial_period_days": null, "usage_type": "licensed"
    }
  },
  "id": "evt_1Pgc76B7WZ01zgkWwyRHS12y",
  "livemode": false,
  "object": "event",
  "pending_webhooks": 0,
  "request": {"id": null, "idempotency_key": null},
  "type": "plan.created"
})";

stripe_event event_of(const std::string& body) {
  auto parsed = parse_stripe_event(body);
  if (auto* error = std::get_if<stripe_parse_error>(&parsed)) BOOST_FAIL("parse failed: " << error->message);
  return std::get<stripe_event>(parsed);
}

std::string parse_error_of(const std::string& body) {
  auto parsed = parse_stripe_event(body);
  BOOST_REQUIRE(std::holds_alternative<stripe_parse_error>(parsed));
  return std::get<stripe_parse_error>(parsed).message;
}

std::string with(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  BOOST_REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stripe_json_parsing)

BOOST_AUTO_TEST_CASE(completed_checkout_event_parses_into_a_paid_session) {
  auto e = event_of(completed_event);
  BOOST_TEST(e.id == "evt_1PgdKLB7WZ01zgkWq3l4xY9s");
  BOOST_TEST(e.type == "checkout.session.completed");
  BOOST_TEST(e.created.time_since_epoch().count() == 1767276000);
  BOOST_TEST(e.api_version == "2024-06-20");
  BOOST_TEST(!e.livemode);
  BOOST_TEST(e.object_type == "checkout.session");
  const auto* s = std::get_if<checkout_session>(&e.object);
  BOOST_REQUIRE(s);
  BOOST_TEST(s->id == "cs_test_a1YS1URlnyQCN5fUUduORoQ7Pw41PJqDWkIVQCpJPqkfIhd6tVY8XB1OLY");
  BOOST_CHECK(s->status == checkout_status::complete);
  BOOST_CHECK(s->payment_status == checkout_payment_status::paid);
  BOOST_TEST(s->payment_intent == "pi_3PgdKJB7WZ01zgkW0s1lVtIt");
  BOOST_TEST(s->amount_total.value == 4500);
  BOOST_TEST(s->currency == "eur");
  BOOST_TEST(s->url.empty());  // null once complete
  BOOST_TEST(s->client_reference_id == "order-7f3c");
  BOOST_CHECK(s->metadata == (stripe_metadata{{"booking_id", "b-42"}, {"order_id", "7f3c"}}));
  BOOST_TEST(s->created.time_since_epoch().count() == 1767274200);
  BOOST_TEST(s->expires_at.time_since_epoch().count() == 1767276120);
}

BOOST_AUTO_TEST_CASE(customer_details_email_wins_over_the_prefilled_customer_email) {
  auto s = std::get<checkout_session>(event_of(completed_event).object);
  BOOST_TEST(s.customer_email == "sanne.devries@example.nl");
  auto without_details = with(completed_event, R"("email": "sanne.devries@example.nl")", R"("email": null)");
  BOOST_TEST(std::get<checkout_session>(event_of(without_details).object).customer_email == "ouder@example.nl");
}

BOOST_AUTO_TEST_CASE(fixture_session_with_nulls_parses_with_defaults) {
  auto parsed = stripe_json::parse_checkout_session(open_session);
  BOOST_REQUIRE(std::holds_alternative<checkout_session>(parsed));
  const auto& s = std::get<checkout_session>(parsed);
  BOOST_CHECK(s.status == checkout_status::open);
  BOOST_CHECK(s.payment_status == checkout_payment_status::unpaid);
  BOOST_TEST(s.amount_total.value == 0);
  BOOST_TEST(s.currency.empty());
  BOOST_TEST(s.client_reference_id.empty());
  BOOST_TEST(s.metadata.empty());
  BOOST_TEST(s.customer_email == "example@example.com");
  BOOST_TEST(s.url.starts_with("https://checkout.stripe.com/pay/c/cs_test_"));
  BOOST_TEST(s.expires_at.time_since_epoch().count() == 1234567890);
}

BOOST_AUTO_TEST_CASE(expired_session_has_no_payment_intent_and_no_url) {
  auto expired = with(with(with(completed_event, R"("status": "complete")", R"("status": "expired")"),
                           R"("payment_intent": "pi_3PgdKJB7WZ01zgkW0s1lVtIt")", R"("payment_intent": null)"),
                      R"("payment_status": "paid")", R"("payment_status": "unpaid")");
  expired = with(expired, R"("type": "checkout.session.completed")", R"("type": "checkout.session.expired")");
  auto e = event_of(expired);
  const auto& s = std::get<checkout_session>(e.object);
  BOOST_CHECK(s.status == checkout_status::expired);
  BOOST_CHECK(s.payment_status == checkout_payment_status::unpaid);
  BOOST_TEST(s.payment_intent.empty());
}

BOOST_AUTO_TEST_CASE(an_expanded_payment_intent_gives_its_id) {
  auto expanded = with(completed_event, R"("payment_intent": "pi_3PgdKJB7WZ01zgkW0s1lVtIt")",
                       R"("payment_intent": {"id": "pi_3PgdKJB7WZ01zgkW0s1lVtIt", "object": "payment_intent", "status": "succeeded"})");
  BOOST_TEST(std::get<checkout_session>(event_of(expanded).object).payment_intent == "pi_3PgdKJB7WZ01zgkW0s1lVtIt");
}

BOOST_AUTO_TEST_CASE(unknown_status_words_parse_as_unknown) {
  auto odd = with(with(completed_event, R"("status": "complete")", R"("status": "reticulating")"),
                  R"("payment_status": "paid")", R"("payment_status": null)");
  auto s = std::get<checkout_session>(event_of(odd).object);
  BOOST_CHECK(s.status == checkout_status::unknown);
  BOOST_CHECK(s.payment_status == checkout_payment_status::unknown);
}

BOOST_AUTO_TEST_CASE(charge_refunded_event_parses_the_charge) {
  auto e = event_of(charge_refunded_event);
  BOOST_TEST(e.type == "charge.refunded");
  const auto* c = std::get_if<charge>(&e.object);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->id == "ch_3PgdKJB7WZ01zgkW0abcdEfg");
  BOOST_TEST(c->payment_intent == "pi_3PgdKJB7WZ01zgkW0s1lVtIt");
  BOOST_TEST(c->amount.value == 4500);
  BOOST_TEST(c->amount_refunded.value == 4500);
  BOOST_TEST(c->refunded);
  BOOST_TEST(c->metadata.empty());
}

BOOST_AUTO_TEST_CASE(refund_failed_event_parses_the_refund) {
  auto e = event_of(refund_failed_event);
  const auto* r = std::get_if<refund>(&e.object);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->id == "re_3PgeAAB7WZ01zgkW0hijKlmn");
  BOOST_CHECK(r->status == refund_status::failed);
  BOOST_TEST(r->amount.value == 2250);
  BOOST_TEST(r->currency == "eur");
  BOOST_TEST(r->payment_intent == "pi_3PgdKJB7WZ01zgkW0s1lVtIt");
  BOOST_TEST(r->charge == "ch_3PgdKJB7WZ01zgkW0abcdEfg");
  BOOST_TEST(r->failure_reason == "charge_for_pending_refund_disputed");
  BOOST_TEST(r->metadata.at("booking_id") == "b-42");
}

BOOST_AUTO_TEST_CASE(fixture_refund_with_null_payment_intent_parses) {
  auto parsed = stripe_json::parse_refund(R"({
    "amount": 100, "balance_transaction": null, "charge": "ch_1PgafuB7WZ01zgkWXYmPNZs8", "created": 1234567890,
    "currency": "usd", "destination_details": {"card": {"type": "reversal"}, "type": "card"},
    "id": "re_1Pgc72B7WZ01zgkWqPvrRrPE", "metadata": {}, "object": "refund", "payment_intent": null,
    "reason": null, "receipt_number": null, "source_transfer_reversal": null, "status": "succeeded",
    "transfer_reversal": null, "customer": null, "customer_account": null, "payment_method": null})");
  BOOST_REQUIRE(std::holds_alternative<refund>(parsed));
  const auto& r = std::get<refund>(parsed);
  BOOST_CHECK(r.status == refund_status::succeeded);
  BOOST_TEST(r.payment_intent.empty());
  BOOST_TEST(r.charge == "ch_1PgafuB7WZ01zgkWXYmPNZs8");
  BOOST_TEST(r.amount.value == 100);
}

BOOST_AUTO_TEST_CASE(payment_failed_event_carries_the_last_error_message) {
  auto e = event_of(payment_failed_event);
  const auto* p = std::get_if<payment_intent>(&e.object);
  BOOST_REQUIRE(p);
  BOOST_TEST(p->id == "pi_3PgdKJB7WZ01zgkW0s1lVtIt");
  BOOST_TEST(p->status == "requires_payment_method");
  BOOST_TEST(p->amount.value == 4500);
  BOOST_TEST(p->metadata.at("order_id") == "7f3c");
  BOOST_TEST(p->last_payment_error_message == "The payment failed.");
}

BOOST_AUTO_TEST_CASE(a_last_payment_error_without_message_falls_back_to_its_type) {
  // Stripe's fixture payment intent has only {"type": "idempotency_error"}.
  auto bare = with(payment_failed_event, R"("message": "The payment failed.",)", "");
  bare = with(bare, R"("code": "payment_intent_payment_attempt_failed",)", "");
  BOOST_TEST(std::get<payment_intent>(event_of(bare).object).last_payment_error_message == "invalid_request_error");
  auto none = with(payment_failed_event, R"("last_payment_error": {)", R"("last_payment_error": null, "x": {)");
  BOOST_TEST(std::get<payment_intent>(event_of(none).object).last_payment_error_message.empty());
}

BOOST_AUTO_TEST_CASE(unknown_event_type_parses_without_a_typed_object) {
  auto e = event_of(plan_event);
  BOOST_TEST(e.id == "evt_1Pgc76B7WZ01zgkWwyRHS12y");
  BOOST_TEST(e.type == "plan.created");
  BOOST_TEST(e.api_version.empty());
  BOOST_TEST(e.object_type == "plan");
  BOOST_TEST(std::holds_alternative<std::monostate>(e.object));
}

BOOST_AUTO_TEST_CASE(known_object_under_an_unknown_event_type_is_still_typed) {
  auto future = with(completed_event, R"("type": "checkout.session.completed")",
                     R"("type": "checkout.session.async_payment_succeeded")");
  BOOST_TEST(std::holds_alternative<checkout_session>(event_of(future).object));
}

BOOST_AUTO_TEST_CASE(malformed_bodies_are_parse_errors_that_say_why) {
  BOOST_TEST(parse_error_of("not json").find("not JSON") != std::string::npos);
  BOOST_TEST(parse_error_of("[1,2]").find("not a JSON object") != std::string::npos);
  BOOST_TEST(parse_error_of(with(plan_event, R"("id": "evt_1Pgc76B7WZ01zgkWwyRHS12y")", R"("id": null)"))
                 .find("without an id") != std::string::npos);
  BOOST_TEST(parse_error_of(with(plan_event, R"("type": "plan.created")", R"("type": 7)")).find("without a type") !=
             std::string::npos);
  BOOST_TEST(parse_error_of(R"({"id": "evt_1", "object": "event", "type": "x.y", "data": {}})").find("data.object") !=
             std::string::npos);
  BOOST_TEST(parse_error_of(open_session).find("not an event") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_typed_object_without_an_id_is_a_parse_error) {
  auto anonymous = with(refund_failed_event, R"("id": "re_3PgeAAB7WZ01zgkW0hijKlmn",)", "");
  BOOST_TEST(parse_error_of(anonymous).find("data.object refund without an id") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(event_list_page_parses_every_event_and_has_more) {
  std::string page = R"({"object": "list", "url": "/v1/events", "has_more": true, "data": [)" + completed_event + "," +
                     plan_event + "]}";
  auto parsed = stripe_json::parse_event_page(page);
  BOOST_REQUIRE(std::holds_alternative<event_page>(parsed));
  const auto& p = std::get<event_page>(parsed);
  BOOST_TEST(p.has_more);
  BOOST_REQUIRE(p.events.size() == 2u);
  BOOST_TEST(p.events[0].type == "checkout.session.completed");
  BOOST_TEST(p.events[1].type == "plan.created");

  auto empty = stripe_json::parse_event_page(R"({"object": "list", "data": [], "has_more": false})");
  BOOST_REQUIRE(std::holds_alternative<event_page>(empty));
  BOOST_TEST(std::get<event_page>(empty).events.empty());
  BOOST_TEST(std::holds_alternative<stripe_parse_error>(stripe_json::parse_event_page(R"({"object": "list"})")));
}

BOOST_AUTO_TEST_CASE(session_and_refund_parsers_refuse_other_objects) {
  auto refund_as_session = stripe_json::parse_checkout_session(R"({"id": "re_1", "object": "refund"})");
  BOOST_TEST(std::holds_alternative<stripe_parse_error>(refund_as_session));
  BOOST_TEST(std::holds_alternative<stripe_parse_error>(stripe_json::parse_refund(R"({"object": "refund"})")));
}

// ---- error bodies and retry classification ----------------------------------------------

namespace {

tutorbot::net::stripe_json::classified classify(int status, const std::string& body,
                                                std::optional<std::string_view> retry = {}) {
  return tutorbot::net::stripe_json::classify(status, body, retry);
}

}  // namespace

BOOST_AUTO_TEST_CASE(invalid_request_error_keeps_stripes_fields_and_is_final) {
  auto c = classify(400, R"({"error": {"code": "parameter_invalid_integer", "doc_url": "https://stripe.com/docs/error-codes/parameter-invalid-integer",
    "message": "Invalid integer: abc", "param": "line_items[0][price_data][unit_amount]", "request_log_url": "https://dashboard.stripe.com/test/logs/req_x",
    "type": "invalid_request_error"}})");
  BOOST_CHECK(c.error.kind == stripe_error_kind::invalid_request);
  BOOST_TEST(c.error.http_status == 400);
  BOOST_TEST(c.error.type == "invalid_request_error");
  BOOST_TEST(c.error.code == "parameter_invalid_integer");
  BOOST_TEST(c.error.message == "Invalid integer: abc");
  BOOST_TEST(c.error.param == "line_items[0][price_data][unit_amount]");
  BOOST_TEST(!c.retryable);
}

BOOST_AUTO_TEST_CASE(missing_resource_is_not_found) {
  auto c = classify(404, R"({"error": {"code": "resource_missing", "message": "No such checkout.session: 'cs_test_nope'", "param": "session", "type": "invalid_request_error"}})");
  BOOST_CHECK(c.error.kind == stripe_error_kind::not_found);
  BOOST_TEST(c.error.code == "resource_missing");
  BOOST_TEST(!c.retryable);
}

BOOST_AUTO_TEST_CASE(authentication_card_and_permission_errors_are_final) {
  auto auth = classify(401, R"({"error": {"message": "Invalid API Key provided: sk_test_********1234", "type": "invalid_request_error"}})");
  BOOST_CHECK(auth.error.kind == stripe_error_kind::authentication);
  BOOST_TEST(!auth.retryable);
  auto card = classify(402, R"({"error": {"code": "card_declined", "decline_code": "generic_decline", "message": "Your card was declined.", "type": "card_error"}})");
  BOOST_CHECK(card.error.kind == stripe_error_kind::card);
  BOOST_TEST(!card.retryable);
  BOOST_CHECK(classify(403, "{}").error.kind == stripe_error_kind::permission);
}

BOOST_AUTO_TEST_CASE(idempotency_mismatch_is_final_but_a_concurrent_request_is_retried) {
  auto mismatch = classify(400, R"({"error": {"message": "Keys for idempotent requests can only be used with the same parameters they were first used with.", "type": "idempotency_error"}})");
  BOOST_CHECK(mismatch.error.kind == stripe_error_kind::idempotency);
  BOOST_TEST(!mismatch.retryable);
  auto concurrent = classify(409, R"({"error": {"message": "There is currently another in-progress request using this Stripe-Idempotency-Key.", "type": "idempotency_error"}})");
  BOOST_CHECK(concurrent.error.kind == stripe_error_kind::idempotency);
  BOOST_TEST(concurrent.retryable);
}

BOOST_AUTO_TEST_CASE(rate_limits_and_server_errors_are_retried) {
  auto limited = classify(429, R"({"error": {"code": "rate_limit", "message": "Too many requests", "type": "invalid_request_error"}})");
  BOOST_CHECK(limited.error.kind == stripe_error_kind::rate_limited);
  BOOST_TEST(limited.retryable);
  auto server = classify(500, R"({"error": {"message": "An unknown error occurred", "type": "api_error"}})");
  BOOST_CHECK(server.error.kind == stripe_error_kind::api);
  BOOST_TEST(server.error.type == "api_error");
  BOOST_TEST(server.retryable);
  auto gateway = classify(502, "<html>Bad Gateway</html>");
  BOOST_CHECK(gateway.error.kind == stripe_error_kind::api);
  BOOST_TEST(gateway.error.message == "Stripe answered HTTP 502");
  BOOST_TEST(gateway.retryable);
}

BOOST_AUTO_TEST_CASE(stripe_should_retry_header_overrides_the_status) {
  BOOST_TEST(!classify(500, R"({"error": {"type": "api_error", "message": "x"}})", "false").retryable);
  BOOST_TEST(!classify(429, "{}", "false").retryable);
  auto lock = classify(400, R"({"error": {"code": "lock_timeout", "message": "This object cannot be accessed right now", "type": "invalid_request_error"}})", "true");
  BOOST_TEST(lock.retryable);
  BOOST_TEST(lock.error.code == "lock_timeout");
}

BOOST_AUTO_TEST_SUITE_END()
