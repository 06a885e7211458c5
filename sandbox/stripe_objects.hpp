#pragma once
// The JSON shapes of the Stripe objects the sandbox keeps (Checkout Session, line item,
// PaymentIntent, Charge, Refund, Event, list), field for field as the fixtures in
// shared/reference/stripe show them, with the values a test-mode account would hold.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace tutorbot::sandbox::stripe {

std::int64_t unix_seconds(std::chrono::sys_seconds t);
boost::json::value text_or_null(const std::string& text);

struct session_fields {
  std::string id;
  std::string url;
  std::string currency;
  std::string success_url, cancel_url;  // "" → null
  std::string customer_email, client_reference_id, locale;
  std::int64_t amount_total = 0;
  std::chrono::sys_seconds created, expires_at;
  boost::json::object metadata;
  std::vector<std::string> payment_method_types;
};
// status open, payment_status unpaid, payment_intent null: a session as created.
boost::json::object make_checkout_session(const session_fields& f);

struct line_item_fields {
  std::string id, price_id, product_id;
  std::string name, currency;
  std::int64_t unit_amount = 0, quantity = 1;
  std::chrono::sys_seconds created;
};
// An `item` as GET /v1/checkout/sessions/{id}/line_items lists it, its price inlined.
boost::json::object make_line_item(const line_item_fields& f);

struct payment_intent_fields {
  std::string id, currency, description;
  std::int64_t amount = 0;
  std::chrono::sys_seconds created;
  boost::json::object metadata;
  std::vector<std::string> payment_method_types;
  std::string client_secret_suffix;
};
// status requires_payment_method: created when the customer first submits the page.
boost::json::object make_payment_intent(const payment_intent_fields& f);

struct charge_fields {
  std::string id, payment_intent, payment_method, method_type, currency, customer_email;
  std::int64_t amount = 0;
  std::chrono::sys_seconds created;
  bool succeeded = true;
  std::string balance_transaction;                 // succeeded charges only
  std::string failure_code, failure_message, decline_code;  // failed charges only
};
boost::json::object make_charge(const charge_fields& f);

struct refund_fields {
  std::string id, charge, payment_intent, currency, reason, balance_transaction;
  std::int64_t amount = 0;
  std::chrono::sys_seconds created;
  boost::json::object metadata;
  std::string method_type;
};
boost::json::object make_refund(const refund_fields& f);

struct event_fields {
  std::string id, type, api_version;
  std::chrono::sys_seconds created;
  boost::json::object object;
  boost::json::object previous_attributes;  // only for *.updated-like events; empty → left out
  std::string request_id, idempotency_key;  // "" → null: the event was not caused by an API call
  int pending_webhooks = 0;
};
boost::json::object make_event(const event_fields& f);

// {"object":"list","data":[…],"has_more":…,"url":"/v1/…"}
boost::json::object make_list(boost::json::array data, bool has_more, const std::string& url);

}  // namespace tutorbot::sandbox::stripe
