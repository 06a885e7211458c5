// Refunds of succeeded charges, partial or full, with Stripe's amount rules.
#include "sandbox/stripe_objects.hpp"
#include "sandbox/stripe_store.hpp"

namespace tutorbot::sandbox::stripe {

namespace json = boost::json;

result stripe_store::create_refund(const json::object& raw, const request_origin& origin, sys_seconds now) {
  try {
    return create_refund_checked(params(raw), origin, now);
  } catch (const param_error& e) {
    return e.error;
  }
}

result stripe_store::create_refund_checked(const params& p, const request_origin& origin, sys_seconds now) {
  p.only({"amount", "charge", "currency", "customer", "expand", "instructions_email", "metadata", "origin",
          "payment_intent", "reason", "refund_application_fee", "reverse_transfer"});
  const auto charge_id = p.text("charge");
  const auto intent_id = p.text("payment_intent");
  if (!charge_id && !intent_id)
    return invalid_param("", "One of the following params should be provided for this request: payment_intent or "
                             "charge.");
  std::string resolved_charge;
  if (intent_id) {
    auto it = payment_intents_.find(*intent_id);
    if (it == payment_intents_.end()) return no_such("payment_intent", *intent_id, "payment_intent", 400);
    const auto& intent = it->second;
    if (intent.at("status") != "succeeded" || !intent.at("latest_charge").is_string())
      return invalid_param("payment_intent", "This PaymentIntent (" + *intent_id +
                                                 ") does not have a successful charge to refund.");
    resolved_charge = std::string(intent.at("latest_charge").as_string());
    if (charge_id && *charge_id != resolved_charge)
      return invalid_param("charge", "The charge " + *charge_id + " does not belong to PaymentIntent " + *intent_id + ".");
  } else {
    resolved_charge = *charge_id;
  }
  auto charge_it = charges_.find(resolved_charge);
  if (charge_it == charges_.end()) return no_such("charge", resolved_charge, "charge", 400);
  auto& charge = charge_it->second;
  if (charge.at("status") != "succeeded")
    return invalid_param("charge", "Charge " + resolved_charge + " has not succeeded and cannot be refunded.");

  const auto captured = charge.at("amount").as_int64();
  const auto refunded = charge.at("amount_refunded").as_int64();
  const std::string currency(charge.at("currency").as_string());
  if (refunded >= captured) {
    api_error e = invalid_param("charge", "Charge " + resolved_charge + " has already been refunded.");
    e.code = "charge_already_refunded";
    return e;
  }
  const auto amount = p.integer("amount").value_or(captured - refunded);
  if (amount < 1) return invalid_param("amount", "Invalid positive integer");
  if (amount > captured - refunded) {
    api_error e = invalid_param("amount", "Refund amount (" + format_amount(amount, currency) +
                                              ") is greater than unrefunded amount on charge (" +
                                              format_amount(captured - refunded, currency) + ")");
    e.code = "amount_too_large";
    return e;
  }
  const auto reason = p.text("reason").value_or("");
  if (!reason.empty() && reason != "duplicate" && reason != "fraudulent" && reason != "requested_by_customer")
    return invalid_param("reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer");

  refund_fields f;
  f.id = ids_.make("re_");
  f.charge = resolved_charge;
  f.payment_intent = std::string(charge.at("payment_intent").as_string());
  f.currency = currency;
  f.reason = reason;
  f.amount = amount;
  f.created = now;
  f.metadata = p.metadata("metadata");
  f.balance_transaction = ids_.make("txn_");
  f.method_type = std::string(charge.at("payment_method_details").at("type").as_string());
  const auto& refund = refunds_[f.id] = make_refund(f);
  refund_order_.push_back(f.id);
  emit("refund.created", refund, origin, now);

  json::object previous{{"amount_refunded", refunded}, {"refunded", charge.at("refunded")}};
  charge["amount_refunded"] = refunded + amount;
  charge["refunded"] = refunded + amount == captured;
  auto& list = charge["refunds"].as_object();
  list["data"].as_array().insert(list["data"].as_array().begin(), refund);
  emit("charge.refunded", charge, origin, now, std::move(previous));
  return refund;
}

result stripe_store::list_refunds(const json::object& raw) const {
  try {
    params p(raw);
    p.only({"charge", "created", "ending_before", "expand", "limit", "payment_intent", "starting_after"});
    const auto charge = p.text("charge");
    const auto intent = p.text("payment_intent");
    std::vector<const json::object*> matching;
    for (auto it = refund_order_.rbegin(); it != refund_order_.rend(); ++it) {
      const auto& r = refunds_.at(*it);
      if (charge && r.at("charge").as_string() != *charge) continue;
      if (intent && !(r.at("payment_intent").is_string() && r.at("payment_intent").as_string() == *intent)) continue;
      if (!created_matches(p, r.at("created").as_int64())) continue;
      matching.push_back(&r);
    }
    return list_page(matching, p, "/v1/refunds", "refund");
  } catch (const param_error& e) {
    return e.error;
  }
}

}  // namespace tutorbot::sandbox::stripe
