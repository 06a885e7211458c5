#include "net/json_fields.hpp"
#include "net/stripe_json.hpp"

#include <cmath>
#include <limits>

#include <boost/json.hpp>

namespace tutorbot::net {

namespace json = boost::json;
using namespace std::chrono;

std::string_view to_string(checkout_status s) {
  switch (s) {
    case checkout_status::open: return "open";
    case checkout_status::complete: return "complete";
    case checkout_status::expired: return "expired";
    case checkout_status::unknown: break;
  }
  return "unknown";
}

std::string_view to_string(checkout_payment_status s) {
  switch (s) {
    case checkout_payment_status::paid: return "paid";
    case checkout_payment_status::unpaid: return "unpaid";
    case checkout_payment_status::no_payment_required: return "no_payment_required";
    case checkout_payment_status::unknown: break;
  }
  return "unknown";
}

std::string_view to_string(refund_status s) {
  switch (s) {
    case refund_status::pending: return "pending";
    case refund_status::requires_action: return "requires_action";
    case refund_status::succeeded: return "succeeded";
    case refund_status::failed: return "failed";
    case refund_status::canceled: return "canceled";
    case refund_status::unknown: break;
  }
  return "unknown";
}

checkout_status parse_checkout_status(std::string_view text) {
  for (auto s : {checkout_status::open, checkout_status::complete, checkout_status::expired})
    if (text == to_string(s)) return s;
  return checkout_status::unknown;
}

checkout_payment_status parse_checkout_payment_status(std::string_view text) {
  for (auto s : {checkout_payment_status::paid, checkout_payment_status::unpaid,
                 checkout_payment_status::no_payment_required})
    if (text == to_string(s)) return s;
  return checkout_payment_status::unknown;
}

refund_status parse_refund_status(std::string_view text) {
  for (auto s : {refund_status::pending, refund_status::requires_action, refund_status::succeeded,
                 refund_status::failed, refund_status::canceled})
    if (text == to_string(s)) return s;
  return refund_status::unknown;
}

std::string_view to_string(stripe_error_kind kind) {
  switch (kind) {
    case stripe_error_kind::invalid_request: return "invalid_request";
    case stripe_error_kind::not_found: return "not_found";
    case stripe_error_kind::session_not_open: return "session_not_open";
    case stripe_error_kind::idempotency: return "idempotency";
    case stripe_error_kind::card: return "card";
    case stripe_error_kind::authentication: return "authentication";
    case stripe_error_kind::permission: return "permission";
    case stripe_error_kind::rate_limited: return "rate_limited";
    case stripe_error_kind::api: return "api";
    case stripe_error_kind::transport: return "transport";
    case stripe_error_kind::deadline: return "deadline";
    case stripe_error_kind::bad_response: return "bad_response";
  }
  return "api";
}

namespace {

std::optional<std::int64_t> int_at(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) {
    double d = v->as_double();
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

domain::cents cents_at(const json::object& o, std::string_view name) {
  return domain::cents{int_at(o, name).value_or(0)};
}

sys_seconds time_at(const json::object& o, std::string_view name) {
  return sys_seconds{seconds{int_at(o, name).value_or(0)}};
}

// A reference to another object: its id, or the id inside it when the field was expanded.
std::string id_at(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_object()) return string_at(v->as_object(), "id");
  return {};
}

// Stripe metadata values are strings; anything else (never sent by Stripe) is skipped.
stripe_metadata metadata_at(const json::object& o) {
  stripe_metadata out;
  if (const auto* m = object_at(o, "metadata"))
    for (const auto& [k, v] : *m)
      if (v.is_string()) out[std::string(k)] = std::string(v.as_string());
  return out;
}

checkout_session session_from(const json::object& o) {
  checkout_session s;
  s.id = string_at(o, "id");
  s.status = parse_checkout_status(string_at(o, "status"));
  s.payment_status = parse_checkout_payment_status(string_at(o, "payment_status"));
  s.payment_intent = id_at(o, "payment_intent");
  s.amount_total = cents_at(o, "amount_total");
  s.currency = string_at(o, "currency");
  s.url = string_at(o, "url");
  s.client_reference_id = string_at(o, "client_reference_id");
  s.metadata = metadata_at(o);
  s.created = time_at(o, "created");
  s.expires_at = time_at(o, "expires_at");
  if (const auto* details = object_at(o, "customer_details")) s.customer_email = string_at(*details, "email");
  if (s.customer_email.empty()) s.customer_email = string_at(o, "customer_email");
  return s;
}

refund refund_from(const json::object& o) {
  refund r;
  r.id = string_at(o, "id");
  r.status = parse_refund_status(string_at(o, "status"));
  r.amount = cents_at(o, "amount");
  r.currency = string_at(o, "currency");
  r.payment_intent = id_at(o, "payment_intent");
  r.charge = id_at(o, "charge");
  r.failure_reason = string_at(o, "failure_reason");
  r.metadata = metadata_at(o);
  return r;
}

charge charge_from(const json::object& o) {
  charge c;
  c.id = string_at(o, "id");
  c.payment_intent = id_at(o, "payment_intent");
  c.amount = cents_at(o, "amount");
  c.amount_refunded = cents_at(o, "amount_refunded");
  c.refunded = bool_at(o, "refunded");
  c.metadata = metadata_at(o);
  return c;
}

payment_intent payment_intent_from(const json::object& o) {
  payment_intent p;
  p.id = string_at(o, "id");
  p.status = string_at(o, "status");
  p.amount = cents_at(o, "amount");
  p.metadata = metadata_at(o);
  if (const auto* error = object_at(o, "last_payment_error")) {
    p.last_payment_error_message = string_at(*error, "message");
    // Some errors carry only a type or code; keep something for the person reading it.
    if (p.last_payment_error_message.empty()) p.last_payment_error_message = string_at(*error, "code");
    if (p.last_payment_error_message.empty()) p.last_payment_error_message = string_at(*error, "type");
  }
  return p;
}

std::variant<stripe_event, stripe_parse_error> event_from(const json::value& value) {
  if (!value.is_object()) return stripe_parse_error{"event is not a JSON object"};
  const auto& o = value.as_object();
  if (auto kind = string_at(o, "object"); !kind.empty() && kind != "event")
    return stripe_parse_error{"object is \"" + kind + "\", not an event"};
  stripe_event e;
  e.id = string_at(o, "id");
  if (e.id.empty()) return stripe_parse_error{"event without an id"};
  e.type = string_at(o, "type");
  if (e.type.empty()) return stripe_parse_error{"event " + e.id + " without a type"};
  e.created = time_at(o, "created");
  e.api_version = string_at(o, "api_version");
  e.livemode = bool_at(o, "livemode");
  const json::object* data = object_at(o, "data");
  const json::object* object = data ? object_at(*data, "object") : nullptr;
  if (!object) return stripe_parse_error{"event " + e.id + " (" + e.type + ") without data.object"};
  e.object_type = string_at(*object, "object");
  if (e.object_type == "checkout.session") e.object = session_from(*object);
  else if (e.object_type == "refund") e.object = refund_from(*object);
  else if (e.object_type == "charge") e.object = charge_from(*object);
  else if (e.object_type == "payment_intent") e.object = payment_intent_from(*object);
  bool typed = !std::holds_alternative<std::monostate>(e.object);
  if (typed && string_at(*object, "id").empty())
    return stripe_parse_error{"event " + e.id + " (" + e.type + "): data.object " + e.object_type + " without an id"};
  return e;
}

// The body as a JSON object, or why not.
std::variant<json::value, stripe_parse_error> parse_document(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return stripe_parse_error{std::string(what) + " is not JSON: " + ec.message()};
  if (!doc.is_object()) return stripe_parse_error{std::string(what) + " is not a JSON object"};
  return doc;
}

template <class T, class From>
std::variant<T, stripe_parse_error> parse_typed(std::string_view body, std::string_view what, std::string_view object_name,
                                                From from) {
  auto doc = parse_document(body, what);
  if (auto* error = std::get_if<stripe_parse_error>(&doc)) return std::move(*error);
  const auto& o = std::get<json::value>(doc).as_object();
  if (auto kind = string_at(o, "object"); !kind.empty() && kind != object_name)
    return stripe_parse_error{std::string(what) + ": object is \"" + kind + "\", not " + std::string(object_name)};
  T value = from(o);
  if (value.id.empty()) return stripe_parse_error{std::string(what) + " without an id"};
  return value;
}

}  // namespace

std::variant<stripe_event, stripe_parse_error> parse_stripe_event(std::string_view body) {
  auto doc = parse_document(body, "event");
  if (auto* error = std::get_if<stripe_parse_error>(&doc)) return std::move(*error);
  return event_from(std::get<json::value>(doc));
}

namespace stripe_json {

std::variant<checkout_session, stripe_parse_error> parse_checkout_session(std::string_view body) {
  return parse_typed<checkout_session>(body, "checkout session", "checkout.session", session_from);
}

std::variant<refund, stripe_parse_error> parse_refund(std::string_view body) {
  return parse_typed<refund>(body, "refund", "refund", refund_from);
}

std::variant<event_page, stripe_parse_error> parse_event_page(std::string_view body) {
  auto doc = parse_document(body, "event list");
  if (auto* error = std::get_if<stripe_parse_error>(&doc)) return std::move(*error);
  const auto& o = std::get<json::value>(doc).as_object();
  const json::value* data = o.if_contains("data");
  if (!data || !data->is_array()) return stripe_parse_error{"event list without a data array"};
  event_page page;
  page.has_more = bool_at(o, "has_more");
  for (const auto& item : data->as_array()) {
    auto event = event_from(item);
    if (auto* error = std::get_if<stripe_parse_error>(&event))
      return stripe_parse_error{"event list item " + std::to_string(page.events.size()) + ": " + error->message};
    auto& parsed = std::get<stripe_event>(event);
    parsed.json = json::serialize(item);
    page.events.push_back(std::move(parsed));
  }
  return page;
}

classified classify(int status, std::string_view body, std::optional<std::string_view> should_retry) {
  stripe_error error;
  error.http_status = status;
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (!ec && doc.is_object()) {
    if (const auto* e = object_at(doc.as_object(), "error")) {
      error.type = string_at(*e, "type");
      error.code = string_at(*e, "code");
      error.message = string_at(*e, "message");
      error.param = string_at(*e, "param");
    }
  }
  if (error.message.empty()) error.message = "Stripe answered HTTP " + std::to_string(status);

  bool retryable = false;
  if (error.type == "card_error" || status == 402) {
    error.kind = stripe_error_kind::card;
  } else if (error.type == "idempotency_error") {
    error.kind = stripe_error_kind::idempotency;
    retryable = status == 409;  // another request with this key is still running
  } else if (status == 401) {
    error.kind = stripe_error_kind::authentication;
  } else if (status == 403) {
    error.kind = stripe_error_kind::permission;
  } else if (status == 404) {
    error.kind = stripe_error_kind::not_found;
  } else if (status == 409) {
    error.kind = stripe_error_kind::invalid_request;
    retryable = true;
  } else if (status == 429) {
    error.kind = stripe_error_kind::rate_limited;
    retryable = true;
  } else if (status >= 500) {
    error.kind = stripe_error_kind::api;
    retryable = true;
  } else {
    error.kind = stripe_error_kind::invalid_request;
  }
  // Stripe knows better than the status (e.g. a 500 whose request it already finished
  // and would replay unchanged, or a lock_timeout that clears in a moment).
  if (should_retry == "true") retryable = true;
  else if (should_retry == "false") retryable = false;
  return {std::move(error), retryable};
}

}  // namespace stripe_json
}  // namespace tutorbot::net
