#include "sandbox/stripe_objects.hpp"

namespace tutorbot::sandbox::stripe {

namespace json = boost::json;

std::int64_t unix_seconds(std::chrono::sys_seconds t) { return t.time_since_epoch().count(); }

json::value text_or_null(const std::string& text) {
  if (text.empty()) return nullptr;
  return json::value(text);
}

namespace {

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

json::object empty_address() {
  return {{"city", nullptr},  {"country", nullptr},     {"line1", nullptr},
          {"line2", nullptr}, {"postal_code", nullptr}, {"state", nullptr}};
}

// What Stripe's test mode reports for the payment methods the sandbox lets people choose.
json::object method_details(const std::string& type) {
  if (type == "ideal")
    return {{"ideal", json::object{{"bank", "ing"}, {"bic", "INGBNL2A"}, {"iban_last4", "5264"},
                                   {"verified_name", "Jenny Rosen"}}},
            {"type", "ideal"}};
  if (type == "card")
    return {{"card", json::object{{"brand", "visa"}, {"country", "US"}, {"exp_month", 8}, {"exp_year", 2030},
                                  {"funding", "credit"}, {"last4", "4242"}, {"network", "visa"},
                                  {"checks", json::object{{"address_line1_check", nullptr},
                                                          {"address_postal_code_check", nullptr},
                                                          {"cvc_check", "pass"}}}}},
            {"type", "card"}};
  return {{type, json::object{}}, {"type", type}};
}

}  // namespace

json::object make_checkout_session(const session_fields& f) {
  return {
      {"id", f.id},
      {"object", "checkout.session"},
      {"adaptive_pricing", json::object{{"enabled", false}}},
      {"after_expiration", nullptr},
      {"allow_promotion_codes", nullptr},
      {"amount_subtotal", f.amount_total},
      {"amount_total", f.amount_total},
      {"automatic_tax", json::object{{"enabled", false}, {"liability", nullptr}, {"provider", nullptr},
                                     {"status", nullptr}}},
      {"billing_address_collection", nullptr},
      {"cancel_url", text_or_null(f.cancel_url)},
      {"client_reference_id", text_or_null(f.client_reference_id)},
      {"client_secret", nullptr},
      {"collected_information", nullptr},
      {"consent", nullptr},
      {"consent_collection", nullptr},
      {"created", unix_seconds(f.created)},
      {"currency", f.currency},
      {"currency_conversion", nullptr},
      {"custom_fields", json::array{}},
      {"custom_text", json::object{{"after_submit", nullptr}, {"shipping_address", nullptr}, {"submit", nullptr},
                                   {"terms_of_service_acceptance", nullptr}}},
      {"customer", nullptr},
      {"customer_creation", "if_required"},
      {"customer_details", nullptr},
      {"customer_email", text_or_null(f.customer_email)},
      {"discounts", json::array{}},
      {"expires_at", unix_seconds(f.expires_at)},
      {"invoice", nullptr},
      {"invoice_creation", json::object{{"enabled", false},
                                        {"invoice_data", json::object{{"account_tax_ids", nullptr},
                                                                      {"custom_fields", nullptr},
                                                                      {"description", nullptr},
                                                                      {"footer", nullptr},
                                                                      {"issuer", nullptr},
                                                                      {"metadata", json::object{}},
                                                                      {"rendering_options", nullptr}}}}},
      {"livemode", false},
      {"locale", text_or_null(f.locale)},
      {"metadata", f.metadata},
      {"mode", "payment"},
      {"origin_context", nullptr},
      {"payment_intent", nullptr},
      {"payment_link", nullptr},
      {"payment_method_collection", "if_required"},
      {"payment_method_configuration_details", nullptr},
      {"payment_method_options", json::object{}},
      {"payment_method_types", strings(f.payment_method_types)},
      {"payment_status", "unpaid"},
      {"permissions", nullptr},
      {"phone_number_collection", json::object{{"enabled", false}}},
      {"recovered_from", nullptr},
      {"saved_payment_method_options", nullptr},
      {"setup_intent", nullptr},
      {"shipping_address_collection", nullptr},
      {"shipping_cost", nullptr},
      {"shipping_options", json::array{}},
      {"status", "open"},
      {"submit_type", nullptr},
      {"subscription", nullptr},
      {"success_url", text_or_null(f.success_url)},
      {"total_details", json::object{{"amount_discount", 0}, {"amount_shipping", 0}, {"amount_tax", 0}}},
      {"ui_mode", "hosted"},
      {"url", f.url},
      {"wallet_options", nullptr},
  };
}

json::object make_line_item(const line_item_fields& f) {
  const auto total = f.unit_amount * f.quantity;
  json::object price{
      {"id", f.price_id},
      {"object", "price"},
      {"active", false},  // prices made from price_data are not reusable
      {"billing_scheme", "per_unit"},
      {"created", unix_seconds(f.created)},
      {"currency", f.currency},
      {"custom_unit_amount", nullptr},
      {"livemode", false},
      {"lookup_key", nullptr},
      {"metadata", json::object{}},
      {"nickname", nullptr},
      {"product", f.product_id},
      {"recurring", nullptr},
      {"tax_behavior", "unspecified"},
      {"tiers_mode", nullptr},
      {"transform_quantity", nullptr},
      {"type", "one_time"},
      {"unit_amount", f.unit_amount},
      {"unit_amount_decimal", std::to_string(f.unit_amount)},
  };
  return {{"id", f.id},
          {"object", "item"},
          {"amount_discount", 0},
          {"amount_subtotal", total},
          {"amount_tax", 0},
          {"amount_total", total},
          {"currency", f.currency},
          {"description", f.name},
          {"price", std::move(price)},
          {"quantity", f.quantity}};
}

json::object make_payment_intent(const payment_intent_fields& f) {
  return {
      {"id", f.id},
      {"object", "payment_intent"},
      {"amount", f.amount},
      {"amount_capturable", 0},
      {"amount_details", json::object{{"tip", json::object{}}}},
      {"amount_received", 0},
      {"application", nullptr},
      {"application_fee_amount", nullptr},
      {"automatic_payment_methods", nullptr},
      {"canceled_at", nullptr},
      {"cancellation_reason", nullptr},
      {"capture_method", "automatic_async"},
      {"client_secret", f.id + "_secret_" + f.client_secret_suffix},
      {"confirmation_method", "automatic"},
      {"created", unix_seconds(f.created)},
      {"currency", f.currency},
      {"customer", nullptr},
      {"description", text_or_null(f.description)},
      {"excluded_payment_method_types", nullptr},
      {"last_payment_error", nullptr},
      {"latest_charge", nullptr},
      {"livemode", false},
      {"metadata", f.metadata},
      {"next_action", nullptr},
      {"on_behalf_of", nullptr},
      {"payment_method", nullptr},
      {"payment_method_configuration_details", nullptr},
      {"payment_method_options", json::object{}},
      {"payment_method_types", strings(f.payment_method_types)},
      {"processing", nullptr},
      {"receipt_email", nullptr},
      {"review", nullptr},
      {"setup_future_usage", nullptr},
      {"shipping", nullptr},
      {"source", nullptr},
      {"statement_descriptor", nullptr},
      {"statement_descriptor_suffix", nullptr},
      {"status", "requires_payment_method"},
      {"transfer_data", nullptr},
      {"transfer_group", nullptr},
  };
}

json::object make_charge(const charge_fields& f) {
  json::object outcome;
  if (f.succeeded) {
    outcome = {{"network_status", "approved_by_network"}, {"reason", nullptr}, {"risk_level", "normal"},
               {"risk_score", 32}, {"seller_message", "Payment complete."}, {"type", "authorized"}};
  } else {
    outcome = {{"network_status", "declined_by_network"}, {"reason", text_or_null(f.decline_code)},
               {"risk_level", "normal"}, {"risk_score", 32},
               {"seller_message", "The bank did not return any further details with this decline."},
               {"type", "issuer_declined"}};
  }
  return {
      {"id", f.id},
      {"object", "charge"},
      {"amount", f.amount},
      {"amount_captured", f.succeeded ? f.amount : 0},
      {"amount_refunded", 0},
      {"application", nullptr},
      {"application_fee", nullptr},
      {"application_fee_amount", nullptr},
      {"balance_transaction", text_or_null(f.balance_transaction)},
      {"billing_details", json::object{{"address", empty_address()}, {"email", text_or_null(f.customer_email)},
                                       {"name", "Jenny Rosen"}, {"phone", nullptr}, {"tax_id", nullptr}}},
      {"calculated_statement_descriptor", "TUTORBOT SANDBOX"},
      {"captured", f.succeeded},
      {"created", unix_seconds(f.created)},
      {"currency", f.currency},
      {"customer", nullptr},
      {"description", nullptr},
      {"disputed", false},
      {"failure_balance_transaction", nullptr},
      {"failure_code", text_or_null(f.failure_code)},
      {"failure_message", text_or_null(f.failure_message)},
      {"fraud_details", json::object{}},
      {"livemode", false},
      {"metadata", json::object{}},
      {"on_behalf_of", nullptr},
      {"outcome", std::move(outcome)},
      {"paid", f.succeeded},
      {"payment_intent", f.payment_intent},
      {"payment_method", f.payment_method},
      {"payment_method_details", method_details(f.method_type)},
      {"receipt_email", nullptr},
      {"receipt_number", nullptr},
      {"receipt_url", nullptr},
      {"refunded", false},
      {"refunds", make_list(json::array{}, false, "/v1/charges/" + f.id + "/refunds")},
      {"review", nullptr},
      {"shipping", nullptr},
      {"source_transfer", nullptr},
      {"statement_descriptor", nullptr},
      {"statement_descriptor_suffix", nullptr},
      {"status", f.succeeded ? "succeeded" : "failed"},
      {"transfer_data", nullptr},
      {"transfer_group", nullptr},
  };
}

json::object make_refund(const refund_fields& f) {
  json::object destination{{"type", f.method_type}};
  destination[f.method_type] = f.method_type == "card" ? json::object{{"type", "refund"}} : json::object{};
  return {
      {"id", f.id},
      {"object", "refund"},
      {"amount", f.amount},
      {"balance_transaction", text_or_null(f.balance_transaction)},
      {"charge", f.charge},
      {"created", unix_seconds(f.created)},
      {"currency", f.currency},
      {"destination_details", std::move(destination)},
      {"metadata", f.metadata},
      {"payment_intent", text_or_null(f.payment_intent)},
      {"reason", text_or_null(f.reason)},
      {"receipt_number", nullptr},
      {"source_transfer_reversal", nullptr},
      {"status", "succeeded"},
      {"transfer_reversal", nullptr},
  };
}

json::object make_event(const event_fields& f) {
  json::object data{{"object", f.object}};
  if (!f.previous_attributes.empty()) data["previous_attributes"] = f.previous_attributes;
  return {
      {"id", f.id},
      {"object", "event"},
      {"api_version", f.api_version},
      {"created", unix_seconds(f.created)},
      {"data", std::move(data)},
      {"livemode", false},
      {"pending_webhooks", f.pending_webhooks},
      {"request", json::object{{"id", text_or_null(f.request_id)}, {"idempotency_key", text_or_null(f.idempotency_key)}}},
      {"type", f.type},
  };
}

json::object make_list(json::array data, bool has_more, const std::string& url) {
  return {{"object", "list"}, {"data", std::move(data)}, {"has_more", has_more}, {"url", url}};
}

}  // namespace tutorbot::sandbox::stripe
