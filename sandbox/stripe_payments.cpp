// What happens to an open Checkout Session: the hosted page's outcomes (paid, declined,
// abandoned), expiry by API or by time, and the PaymentIntents and Charges they make.
#include "sandbox/stripe_objects.hpp"
#include "sandbox/stripe_store.hpp"

namespace tutorbot::sandbox::stripe {

namespace json = boost::json;

namespace {

api_error not_open(const json::object& session) {
  const std::string status(session.at("status").as_string());
  return invalid_param("", "This Checkout Session is no longer open: its status is `" + status +
                               "`. Only Checkout Sessions with a status of `open` can be paid or expired.");
}

}  // namespace

void stripe_store::expire(session_record& session, const request_origin& origin, sys_seconds now) {
  auto& s = session.resource;
  if (s.at("payment_intent").is_string()) {
    auto& intent = payment_intents_.at(std::string(s.at("payment_intent").as_string()));
    if (intent.at("status") != "succeeded" && intent.at("status") != "canceled") {
      intent["status"] = "canceled";
      intent["canceled_at"] = unix_seconds(now);
      intent["cancellation_reason"] = "abandoned";
      emit("payment_intent.canceled", intent, origin, now);
    }
  }
  s["status"] = "expired";
  s["url"] = nullptr;
  emit("checkout.session.expired", s, origin, now);
}

result stripe_store::expire_session(const std::string& id, const request_origin& origin, sys_seconds now) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return no_such("checkout.session", id, "session", 404);
  if (it->second.resource.at("status") != "open") return not_open(it->second.resource);
  expire(it->second, origin, now);
  return it->second.resource;
}

result stripe_store::abandon(const std::string& id, sys_seconds now) { return expire_session(id, {}, now); }

int stripe_store::expire_due(sys_seconds now) {
  int expired = 0;
  for (const auto& id : session_order_) {
    auto& session = sessions_.at(id);
    if (session.resource.at("status") == "open" && session.resource.at("expires_at").as_int64() <= unix_seconds(now)) {
      expire(session, {}, now);
      ++expired;
    }
  }
  return expired;
}

std::optional<api_error> stripe_store::check_payable(session_record& session, sys_seconds now) {
  auto& s = session.resource;
  if (s.at("status") == "open" && s.at("expires_at").as_int64() <= unix_seconds(now)) expire(session, {}, now);
  if (s.at("status") != "open") return not_open(s);
  return std::nullopt;
}

std::variant<std::string, api_error> stripe_store::checked_method(const session_record& session,
                                                                  const std::string& method) const {
  const auto& offered = session.resource.at("payment_method_types").as_array();
  if (method.empty()) return std::string(offered.at(0).as_string());
  for (const auto& m : offered)
    if (m.as_string() == method) return method;
  return invalid_param("payment_method_type", "This Checkout Session does not offer `" + method + "`.");
}

json::object& stripe_store::payment_intent_for(session_record& session, sys_seconds now) {
  auto& s = session.resource;
  if (s.at("payment_intent").is_string()) return payment_intents_.at(std::string(s.at("payment_intent").as_string()));
  payment_intent_fields f;
  f.id = ids_.make("pi_");
  f.amount = s.at("amount_total").as_int64();
  f.currency = std::string(s.at("currency").as_string());
  f.created = now;
  f.metadata = session.payment_intent_metadata;
  f.description = session.payment_intent_description;
  for (const auto& m : s.at("payment_method_types").as_array()) f.payment_method_types.emplace_back(m.as_string());
  f.client_secret_suffix = ids_.make("", 25);
  s["payment_intent"] = f.id;
  session_of_payment_intent_[f.id] = std::string(s.at("id").as_string());
  auto& intent = payment_intents_[f.id] = make_payment_intent(f);
  emit("payment_intent.created", intent, {}, now);
  return intent;
}

std::variant<stripe_store::payment_attempt, api_error> stripe_store::begin_attempt(const std::string& id,
                                                                                  const std::string& method_type,
                                                                                  sys_seconds now) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return no_such("checkout.session", id, "session", 404);
  auto& session = it->second;
  if (auto error = check_payable(session, now)) return *error;
  auto method = checked_method(session, method_type);
  if (auto* error = std::get_if<api_error>(&method)) return *error;
  auto& s = session.resource;
  auto& intent = payment_intent_for(session, now);
  charge_fields c;
  c.id = ids_.make("ch_");
  c.payment_intent = std::string(intent.at("id").as_string());
  c.payment_method = ids_.make("pm_");
  c.method_type = std::get<std::string>(method);
  c.currency = std::string(s.at("currency").as_string());
  c.amount = intent.at("amount").as_int64();
  c.created = now;
  return payment_attempt{s, intent, std::move(c)};
}

result stripe_store::pay(const std::string& id, const std::string& method_type, sys_seconds now) {
  auto begun = begin_attempt(id, method_type, now);
  if (auto* error = std::get_if<api_error>(&begun)) return *error;
  auto& [s, intent, c] = std::get<payment_attempt>(begun);
  c.balance_transaction = ids_.make("txn_");
  c.customer_email = s.at("customer_email").is_string() ? std::string(s.at("customer_email").as_string()) : "";
  const auto& charge = charges_[c.id] = make_charge(c);
  emit("charge.succeeded", charge, {}, now);

  intent["status"] = "succeeded";
  intent["amount_received"] = c.amount;
  intent["latest_charge"] = c.id;
  intent["payment_method"] = c.payment_method;
  intent["last_payment_error"] = nullptr;
  emit("payment_intent.succeeded", intent, {}, now);

  s["status"] = "complete";
  s["payment_status"] = "paid";
  s["url"] = nullptr;
  s["customer_details"] = json::object{
      {"address", json::object{{"city", nullptr}, {"country", "NL"}, {"line1", nullptr}, {"line2", nullptr},
                               {"postal_code", nullptr}, {"state", nullptr}}},
      {"email", c.customer_email.empty() ? json::value("jenny.rosen@example.com") : json::value(c.customer_email)},
      {"name", "Jenny Rosen"},
      {"phone", nullptr},
      {"tax_exempt", "none"},
      {"tax_ids", json::array{}}};
  emit("checkout.session.completed", s, {}, now);
  return s;
}

result stripe_store::decline(const std::string& id, const std::string& method_type, sys_seconds now) {
  auto begun = begin_attempt(id, method_type, now);
  if (auto* error = std::get_if<api_error>(&begun)) return *error;
  auto& [s, intent, c] = std::get<payment_attempt>(begun);
  c.succeeded = false;
  c.failure_code = "card_declined";
  c.failure_message = "Your card was declined.";
  c.decline_code = "generic_decline";
  const auto& charge = charges_[c.id] = make_charge(c);
  emit("charge.failed", charge, {}, now);

  intent["status"] = "requires_payment_method";
  intent["latest_charge"] = c.id;
  intent["payment_method"] = nullptr;
  intent["last_payment_error"] = json::object{
      {"charge", c.id},
      {"code", c.failure_code},
      {"decline_code", c.decline_code},
      {"doc_url", "https://stripe.com/docs/error-codes/card-declined"},
      {"message", c.failure_message},
      {"payment_method", json::object{{"id", c.payment_method}, {"object", "payment_method"}, {"type", c.method_type}}},
      {"type", "card_error"}};
  emit("payment_intent.payment_failed", intent, {}, now);
  return s;  // still open: the customer may try again
}

}  // namespace tutorbot::sandbox::stripe
