// Checkout Sessions: creation with Stripe's validation, retrieval and lists. What happens
// to a session afterwards (paid, declined, expired) is in stripe_payments.cpp.
#include <algorithm>
#include <array>
#include <cctype>

#include "sandbox/stripe_objects.hpp"
#include "sandbox/stripe_store.hpp"

namespace tutorbot::sandbox::stripe {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// Stripe's limits on expires_at: https://docs.stripe.com/api/checkout/sessions/create#create_checkout_session-expires_at
constexpr auto min_lifetime = 30min;
constexpr auto max_lifetime = 24h;

constexpr std::array<std::string_view, 35> payment_method_types = {
    "acss_debit", "affirm",   "afterpay_clearpay", "alipay",     "amazon_pay", "au_becs_debit", "bacs_debit",
    "bancontact", "blik",     "boleto",            "card",       "cashapp",    "eps",           "fpx",
    "giropay",    "grabpay",  "ideal",             "klarna",     "konbini",    "link",          "mobilepay",
    "multibanco", "oxxo",     "p24",               "paynow",     "paypal",     "pix",           "promptpay",
    "revolut_pay", "sepa_debit", "sofort",         "swish",      "twint",      "us_bank_account", "wechat_pay"};

constexpr std::array<std::string_view, 41> locales = {
    "auto", "bg",    "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr",
    "fr-CA", "hr",   "hu", "id", "it", "ja", "ko", "lt",    "lv", "ms",     "mt", "nb", "nl",  "pl",
    "pt",   "pt-BR", "ro", "ru", "sk", "sl", "sv", "th",    "tr", "vi",     "zh", "zh-HK", "zh-TW"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

void check_url(const params& p, std::string_view key) {
  auto url = p.text(key);
  if (url && !url->starts_with("https://") && !url->starts_with("http://"))
    throw param_error{invalid_param(p.name(key), "Not a valid URL")};
}

void check_currency(const params& p, const std::string& currency) {
  if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    throw param_error{invalid_param(p.name("currency"), "Invalid currency: " + currency +
                                                            ". Stripe currently supports these currencies: "
                                                            "eur, usd, gbp and 130 others.")};
}


}  // namespace

result stripe_store::create_session(const json::object& raw, const std::string& page_base, sys_seconds now) {
  try {
    return create_session_checked(params(raw), page_base, now);
  } catch (const param_error& e) {
    return e.error;
  }
}

result stripe_store::create_session_checked(const params& p, const std::string& page_base, sys_seconds now) {
  p.only({"adaptive_pricing", "after_expiration", "allow_promotion_codes", "automatic_tax",
          "billing_address_collection", "branding_settings", "cancel_url", "client_reference_id",
          "consent_collection", "currency", "custom_fields", "custom_text", "customer", "customer_account",
          "customer_creation", "customer_email", "customer_update", "discounts", "excluded_payment_method_types",
          "expand", "expires_at", "invoice_creation", "line_items", "locale", "metadata", "mode", "name_collection",
          "optional_items", "origin_context", "payment_intent_data", "payment_method_collection",
          "payment_method_configuration", "payment_method_data", "payment_method_options", "payment_method_types",
          "permissions", "phone_number_collection", "redirect_on_completion", "return_url",
          "saved_payment_method_options", "setup_intent_data", "shipping_address_collection", "shipping_options",
          "submit_type", "subscription_data", "success_url", "tax_id_collection", "ui_mode", "wallet_options"});
  const auto mode = p.required_text("mode");
  if (mode != "payment" && mode != "setup" && mode != "subscription")
    return invalid_param("mode", "Invalid mode: must be one of payment, setup, or subscription");
  if (mode != "payment")
    return invalid_param("mode", "The tutorbot sandbox emulates only mode=payment Checkout Sessions.");
  if (auto ui = p.text("ui_mode"); ui && *ui != "hosted")
    return invalid_param("ui_mode", "The tutorbot sandbox emulates only ui_mode=hosted Checkout Sessions.");
  if (auto customer = p.text("customer")) return no_such("customer", *customer, "customer", 400);
  check_url(p, "success_url");
  check_url(p, "cancel_url");

  session_record session;
  session_fields f;
  f.id = ids_.make("cs_test_a1", 56);
  f.created = now;
  f.url = page_base + "/checkout/" + f.id;
  f.success_url = p.text("success_url").value_or("");
  f.cancel_url = p.text("cancel_url").value_or("");
  f.client_reference_id = p.text("client_reference_id").value_or("");
  if (f.client_reference_id.size() > 200)
    return invalid_param("client_reference_id", "client_reference_id must be at most 200 characters.");
  f.customer_email = p.text("customer_email").value_or("");
  if (!f.customer_email.empty() && f.customer_email.find('@') == std::string::npos)
    return invalid_param("customer_email", "Invalid email address: " + f.customer_email);
  f.locale = p.text("locale").value_or("");
  if (!f.locale.empty() && !one_of(locales, f.locale))
    return invalid_param("locale", "Invalid locale: " + f.locale);
  f.metadata = p.metadata("metadata");

  const auto items = p.child_list("line_items");
  if (items.empty()) return parameter_missing("line_items");
  if (items.size() > 100) return invalid_param("line_items", "You may pass at most 100 line items.");
  for (const auto& item : items) {
    item.only({"adjustable_quantity", "dynamic_tax_rates", "price", "price_data", "quantity", "tax_rates"});
    if (auto price = item.text("price")) return no_such("price", *price, item.name("price"), 400);
    const auto price_data = item.required_child("price_data");
    price_data.only({"currency", "product", "product_data", "recurring", "tax_behavior", "unit_amount",
                     "unit_amount_decimal"});
    if (price_data.has("recurring"))
      return invalid_param(price_data.name("recurring"), "Recurring prices need mode=subscription.");
    line_item_fields li;
    li.created = now;
    li.currency = lower(price_data.required_text("currency"));
    check_currency(price_data, li.currency);
    if (auto product = price_data.text("product")) return no_such("product", *product, price_data.name("product"), 400);
    const auto product_data = price_data.required_child("product_data");
    product_data.only({"description", "images", "metadata", "name", "tax_code", "unit_label"});
    li.name = product_data.required_text("name");
    if (auto amount = price_data.integer("unit_amount")) {
      li.unit_amount = *amount;
    } else if (auto decimal = price_data.text("unit_amount_decimal")) {
      auto whole = parse_integer(*decimal);
      if (!whole) return invalid_param(price_data.name("unit_amount_decimal"), "Invalid decimal: " + *decimal);
      li.unit_amount = *whole;
    } else {
      return parameter_missing(price_data.name("unit_amount"));
    }
    if (li.unit_amount < 0)
      return invalid_param(price_data.name("unit_amount"), "This value must be greater than or equal to 0.");
    li.quantity = item.required_integer("quantity");
    if (li.quantity < 1) return invalid_param(item.name("quantity"), "This value must be greater than or equal to 1.");
    if (f.currency.empty()) f.currency = li.currency;
    if (li.currency != f.currency)
      return invalid_param(price_data.name("currency"), "All line items must use the same currency.");
    li.id = ids_.make("li_");
    li.price_id = ids_.make("price_");
    li.product_id = ids_.make("prod_", 14);
    f.amount_total += li.unit_amount * li.quantity;
    session.line_items.push_back(make_line_item(li));
  }
  if (auto currency = p.text("currency"); currency && lower(*currency) != f.currency)
    return invalid_param("currency", "currency must match the currency of the line items.");
  if ((f.currency == "eur" || f.currency == "usd") && f.amount_total < 50)
    return invalid_param("", "The Checkout Session's total amount due must add up to at least " +
                                 format_amount(50, f.currency) + " " + f.currency);

  f.payment_method_types = p.text_list("payment_method_types");
  for (std::size_t i = 0; i < f.payment_method_types.size(); ++i) {
    if (!one_of(payment_method_types, f.payment_method_types[i]))
      return invalid_param("payment_method_types[" + std::to_string(i) + "]",
                           "Invalid payment_method_types[" + std::to_string(i) + "]: must be one of card, ideal, " +
                               "bancontact, sepa_debit, … (" + f.payment_method_types[i] + " is not)");
    // iDEAL settles in euros only (https://docs.stripe.com/payments/ideal).
    if (f.payment_method_types[i] == "ideal" && f.currency != "eur")
      return invalid_param("payment_method_types",
                           "The currency provided (" + f.currency +
                               ") is invalid for one or more payment method types on this Checkout Session. "
                               "`ideal` only supports eur.");
  }
  if (f.payment_method_types.empty()) f.payment_method_types = {"card"};

  f.expires_at = now + max_lifetime;
  if (auto expires_at = p.integer("expires_at")) {
    const sys_seconds at{std::chrono::seconds(*expires_at)};
    if (at < now + min_lifetime)
      return invalid_param("expires_at",
                           "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.");
    if (at > now + max_lifetime)
      return invalid_param("expires_at",
                           "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.");
    f.expires_at = at;
  }
  if (auto intent_data = p.child("payment_intent_data")) {
    intent_data->only({"application_fee_amount", "capture_method", "description", "metadata", "on_behalf_of",
                       "receipt_email", "setup_future_usage", "shipping", "statement_descriptor",
                       "statement_descriptor_suffix", "transfer_data", "transfer_group"});
    session.payment_intent_metadata = intent_data->metadata("metadata");
    session.payment_intent_description = intent_data->text("description").value_or("");
  }

  session.resource = make_checkout_session(f);
  auto answer = session.resource;
  session_order_.push_back(f.id);
  sessions_.emplace(f.id, std::move(session));
  return answer;
}

result stripe_store::session(const std::string& id) const {
  if (auto it = sessions_.find(id); it != sessions_.end()) return it->second.resource;
  return no_such("checkout.session", id, "session", 404);
}

json::array stripe_store::line_items_of(const std::string& id) const {
  if (auto it = sessions_.find(id); it != sessions_.end()) return it->second.line_items;
  return {};
}

result stripe_store::session_line_items(const std::string& id, const json::object& raw) const {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return no_such("checkout.session", id, "session", 404);
  try {
    params p(raw);
    p.only({"ending_before", "expand", "limit", "starting_after"});
    // Line items list in the order they were given, not newest first.
    std::vector<const json::object*> items;
    for (const auto& item : it->second.line_items) items.push_back(&item.as_object());
    return list_page(items, p, "/v1/checkout/sessions/" + id + "/line_items", "line_item");
  } catch (const param_error& e) {
    return e.error;
  }
}

result stripe_store::list_sessions(const json::object& raw) const {
  try {
    params p(raw);
    p.only({"created", "customer", "customer_account", "customer_details", "ending_before", "expand", "limit",
            "payment_intent", "payment_link", "starting_after", "status", "subscription"});
    const auto status = p.text("status");
    const auto intent = p.text("payment_intent");
    std::vector<const json::object*> matching;
    for (auto it = session_order_.rbegin(); it != session_order_.rend(); ++it) {
      const auto& s = sessions_.at(*it).resource;
      if (status && s.at("status").as_string() != *status) continue;
      if (intent && !(s.at("payment_intent").is_string() && s.at("payment_intent").as_string() == *intent)) continue;
      if (!created_matches(p, s.at("created").as_int64())) continue;
      matching.push_back(&s);
    }
    return list_page(matching, p, "/v1/checkout/sessions", "checkout.session");
  } catch (const param_error& e) {
    return e.error;
  }
}

}  // namespace tutorbot::sandbox::stripe
