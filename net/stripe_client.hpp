#pragma once
// Stripe API client: Checkout Sessions (create, retrieve, expire), refunds and the events
// list, with bounded jittered retries and a deadline per call. Every POST carries an
// Idempotency-Key, which is what makes retrying a POST safe: Stripe replays the first
// answer. Asio, Beast and Boost.JSON stay in stripe_client.cpp and stripe_json.cpp.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/language.hpp"
#include "domain/types.hpp"
#include "net/form.hpp"
#include "net/retry.hpp"

namespace boost::asio {
class io_context;
}

namespace tutorbot::net {

class http_client;

// ---- What Stripe has (plain values, parsed tolerantly: unknown fields are ignored, a
// null or missing field leaves its default) -------------------------------------------

using stripe_metadata = std::map<std::string, std::string>;

enum class checkout_status { open, complete, expired, unknown };
enum class checkout_payment_status { paid, unpaid, no_payment_required, unknown };
enum class refund_status { pending, requires_action, succeeded, failed, canceled, unknown };
std::string_view to_string(checkout_status s);
std::string_view to_string(checkout_payment_status s);
std::string_view to_string(refund_status s);
checkout_status parse_checkout_status(std::string_view text);          // unknown for anything else
checkout_payment_status parse_checkout_payment_status(std::string_view text);
refund_status parse_refund_status(std::string_view text);

struct checkout_session {
  std::string id;  // cs_…
  checkout_status status = checkout_status::unknown;
  checkout_payment_status payment_status = checkout_payment_status::unknown;
  std::string payment_intent;  // pi_…; empty while Stripe has none (null)
  domain::cents amount_total;  // 0 when Stripe sends null
  std::string currency;        // lower case, "eur"
  std::string url;             // the hosted page; empty once the session is complete or expired
  std::string client_reference_id;
  stripe_metadata metadata;
  std::chrono::sys_seconds created{};
  std::chrono::sys_seconds expires_at{};
  // customer_details.email (what the payer typed) when present, else customer_email (what
  // we prefilled); empty when neither.
  std::string customer_email;
};

struct refund {
  std::string id;  // re_…
  refund_status status = refund_status::unknown;
  domain::cents amount;
  std::string currency;
  std::string payment_intent;  // empty when null
  std::string charge;          // empty when null
  std::string failure_reason;  // set when status is failed
  stripe_metadata metadata;
};

struct charge {
  std::string id;  // ch_… or py_…
  std::string payment_intent;
  domain::cents amount;
  domain::cents amount_refunded;
  bool refunded = false;  // fully refunded
  stripe_metadata metadata;
};

struct payment_intent {
  std::string id;  // pi_…
  std::string status;  // requires_payment_method, processing, succeeded, canceled, …
  domain::cents amount;
  stripe_metadata metadata;
  std::string last_payment_error_message;  // empty when there is no last_payment_error
};

// data.object of an event, typed by its own "object" field; monostate for any other kind.
using stripe_object = std::variant<std::monostate, checkout_session, refund, charge, payment_intent>;

struct stripe_event {
  std::string id;    // evt_…: the key webhooks are deduplicated on
  std::string type;  // "checkout.session.completed", … (any type parses)
  std::chrono::sys_seconds created{};
  std::string api_version;  // empty when null
  bool livemode = false;
  std::string object_type;  // data.object.object, e.g. "checkout.session"
  stripe_object object;
  // The event as JSON, when it came from a list (the reconciler stores it in the inbox as a
  // webhook would have delivered it); empty when parsed from a webhook body.
  std::string json;
};

struct event_page {
  std::vector<stripe_event> events;  // newest first, as Stripe lists them
  bool has_more = false;
};

// ---- Errors ----------------------------------------------------------------------------

enum class stripe_error_kind {
  invalid_request,   // 400 invalid_request_error; also our own checks before sending (status 0)
  not_found,         // 404 (resource_missing): no such session, payment intent, …
  session_not_open,  // expire: the session is already complete or expired (Stripe's 400)
  idempotency,       // idempotency_error: the key was used before with other parameters
  card,              // 402 card_error
  authentication,    // 401: the secret key is wrong or revoked
  permission,        // 403: the key may not do this
  rate_limited,      // 429, still after the retries
  api,               // 5xx api_error, still after the retries
  transport,         // no HTTP answer (connect, TLS, timeout, …)
  deadline,          // the call's deadline passed
  bad_response       // a 2xx answer we cannot read
};
std::string_view to_string(stripe_error_kind kind);

// Whether a secret or restricted key is a live-mode one (sk_live_…, rk_live_…): the events
// its account sends in that mode carry livemode: true, test-mode ones false.
bool is_live_key(std::string_view secret_key);

struct stripe_error {
  stripe_error_kind kind = stripe_error_kind::api;
  int http_status = 0;      // 0 when no HTTP answer arrived
  std::string type;         // Stripe's error.type ("invalid_request_error", …), empty without one
  std::string code;         // error.code ("resource_missing", "amount_too_large", …)
  std::string message;      // Stripe's message, or what failed on our side; never the secret key
  std::string param;        // error.param: the offending parameter
  std::string request_id;   // Stripe's Request-Id header, for Stripe support
};

using checkout_result = std::variant<checkout_session, stripe_error>;
using refund_result = std::variant<refund, stripe_error>;
using event_page_result = std::variant<event_page, stripe_error>;

// ---- What we send ----------------------------------------------------------------------

struct stripe_options {
  std::string api_base = "https://api.stripe.com";
  std::string api_version = "2024-06-20";  // Stripe-Version: answers keep the shape we parse
  std::string secret_key;                  // sk_…: only ever sent as the bearer token
  std::string success_url;                 // may hold Stripe's {CHECKOUT_SESSION_ID} template
  std::string cancel_url;
  // 429, 409, 5xx, transport errors and Stripe-Should-Retry: true are retried;
  // Stripe-Should-Retry: false never is.
  backoff_policy backoff{std::chrono::milliseconds{500}, std::chrono::milliseconds{8000}, 5};
  std::chrono::milliseconds attempt_timeout{20000};  // one HTTP request
  std::chrono::milliseconds deadline{60000};         // a whole call, retries and backoff included
  // Head room on Stripe's expires_at window, for our clock against Stripe's and the time
  // the request travels (see clamp_checkout_expiry).
  std::chrono::seconds expiry_margin{120};
  std::function<std::chrono::system_clock::time_point()> now;  // default: system_clock::now
};

struct checkout_line_item {
  std::string name;              // price_data[product_data][name], shown on the hosted page
  domain::cents unit_amount;     // price_data[unit_amount]
  std::int64_t quantity = 1;
  // A Price the school manages in Stripe: sent as line_items[i][price] instead of price_data.
  std::optional<std::string> price_id;
};

struct checkout_request {
  std::vector<checkout_line_item> line_items;
  std::string currency = "eur";  // sent lower case; iDEAL needs EUR
  std::vector<std::string> payment_method_types = {"card", "ideal"};
  domain::language locale = domain::language::nl;
  std::optional<std::string> customer_email;  // prefills the hosted page
  std::string client_reference_id;            // our order id; omitted when empty
  stripe_metadata metadata;                   // order_id, booking_id, …
  // When the slot's hold ends; clamped into Stripe's window (clamp_checkout_expiry).
  std::chrono::sys_seconds expires_at{};
  // Required, at most 255 characters, e.g. "checkout-" + order id. The same key must come
  // with the same parameters: a repeated create after a restart should therefore pass the
  // same expires_at and come within the same clamping (else Stripe answers idempotency).
  std::string idempotency_key;
};

enum class refund_reason { duplicate, fraudulent, requested_by_customer };
std::string_view to_string(refund_reason r);

struct refund_request {
  std::string payment_intent;          // pi_…
  std::optional<domain::cents> amount; // none: the whole remaining amount
  std::optional<refund_reason> reason;
  stripe_metadata metadata;            // order_id, booking_id, …
  std::string idempotency_key;         // required, ≤ 255 characters, e.g. "refund-" + booking id
};

struct event_filter {
  std::chrono::sys_seconds created_gte{};      // created[gte]; epoch: no lower bound
  std::optional<std::string> starting_after;   // an event id: the page after it
  std::vector<std::string> types;              // types[i]; empty: all types
  int limit = 100;                             // 1..100 (clamped)
};

// ---- Pure request building (public for tests) ------------------------------------------

// Stripe refuses expires_at outside [creation + 30 min, creation + 24 h]. The hold's expiry
// is usually shorter than 30 min, so it is raised to now + 30 min + margin, and lowered to
// at most now + 24 h − margin; the margin covers our clock running behind or ahead of
// Stripe's and the request's travel. The session may so outlive the hold: a payment for an
// expired hold is the payment supervisor's to rebook or refund.
std::chrono::sys_seconds clamp_checkout_expiry(std::chrono::sys_seconds wanted, std::chrono::sys_seconds now,
                                               std::chrono::seconds margin);

// The exact form fields of POST /v1/checkout/sessions for `request` at `now`, in the order
// sent: mode, line_items, payment_method_types, locale, customer_email,
// client_reference_id, metadata, payment_intent_data[metadata] (the same), expires_at,
// success_url, cancel_url.
form_fields checkout_form(const checkout_request& request, std::chrono::sys_seconds now,
                          const stripe_options& options);
form_fields refund_form(const refund_request& request);
// The query string of GET /v1/events (without '?').
std::string events_query(const event_filter& filter);

// Empty when the key is usable; else what is wrong with it (empty, longer than 255).
std::string idempotency_key_problem(std::string_view key);

// Replaces every occurrence of `secret` in `text` by "***": a server echoing the key must
// not leak it into our errors.
std::string redact(std::string text, std::string_view secret);

// ---- The client ------------------------------------------------------------------------

class stripe_client {
 public:
  // `io` runs the retry and deadline timers; `http` must outlive the client and every call
  // in flight.
  stripe_client(boost::asio::io_context& io, http_client& http, stripe_options options);
  ~stripe_client();
  stripe_client(const stripe_client&) = delete;
  stripe_client& operator=(const stripe_client&) = delete;

  // How long a caller waits on one call: past the call's deadline (retries and backoff
  // included), so the client always answers first, with the error that ended the call.
  std::chrono::milliseconds longest_wait() const;

  // All calls are thread-safe; each callback runs exactly once, on an io_context thread,
  // never inside the call. A request we refuse before sending (no line items, a bad
  // idempotency key) answers invalid_request with http_status 0.

  // POST /v1/checkout/sessions (mode=payment).
  void create_checkout_session(checkout_request request, std::function<void(checkout_result)> done);

  // GET /v1/checkout/sessions/{id}.
  void retrieve_checkout_session(std::string session_id, std::function<void(checkout_result)> done);

  // POST /v1/checkout/sessions/{id}/expire. An already complete or expired session answers
  // session_not_open (not retried): retrieve it to learn which.
  void expire_checkout_session(std::string session_id, std::string idempotency_key,
                               std::function<void(checkout_result)> done);

  // POST /v1/refunds.
  void create_refund(refund_request request, std::function<void(refund_result)> done);

  // GET /v1/events: one page.
  void list_events(event_filter filter, std::function<void(event_page_result)> done);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::net
