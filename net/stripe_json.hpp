#pragma once
// Stripe JSON into plain values: events (webhook bodies and the events list), Checkout
// Sessions, refunds and error bodies. Tolerant: unknown fields are ignored and null or
// missing fields keep their defaults, since Stripe adds fields without a version change.
// Boost.JSON stays in stripe_json.cpp.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "net/stripe_client.hpp"

namespace tutorbot::net {

struct stripe_parse_error {
  std::string message;  // what is missing or malformed; never quotes the body
};

// A webhook body (verified with verify_stripe_signature first) or one event of a list: it
// needs an id, a type and a data.object; any event type parses, with a typed object only
// for checkout.session, refund, charge and payment_intent.
std::variant<stripe_event, stripe_parse_error> parse_stripe_event(std::string_view body);

namespace stripe_json {

std::variant<checkout_session, stripe_parse_error> parse_checkout_session(std::string_view body);
std::variant<refund, stripe_parse_error> parse_refund(std::string_view body);
// {"object": "list", "data": [events…], "has_more": …}
std::variant<event_page, stripe_parse_error> parse_event_page(std::string_view body);

struct classified {
  stripe_error error;
  bool retryable = false;
};
// A non-2xx answer: Stripe's {"error": {type, code, message, param}} and whether to try
// again. `should_retry` is the Stripe-Should-Retry header when present: "true" retries and
// "false" never does, whatever the status; without it 409 (a concurrent request with the
// same idempotency key), 429 and 5xx are retried, as Stripe's own libraries do.
classified classify(int status, std::string_view body, std::optional<std::string_view> should_retry);

}  // namespace stripe_json
}  // namespace tutorbot::net
