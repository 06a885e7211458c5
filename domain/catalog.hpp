#pragma once
// What the school sells and on which terms, read from payment_config.yaml. Prices are
// consumer prices, VAT included, in cents of payment_catalog::currency.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/types.hpp"

namespace tutorbot::domain {

struct vat {
  bool exempt = true;        // Dutch law exempts recognised private tutoring (art. 11 Wet OB)
  int rate_basis_points = 0; // 2100 = 21 %; meaningful only when !exempt

  friend bool operator==(const vat&, const vat&) = default;
};

enum class product_kind { lesson, package, trial };
std::string_view to_string(product_kind k);
std::optional<product_kind> parse_product_kind(std::string_view text);

struct product {
  std::string id;                   // stable: Stripe metadata and invoices refer to it
  product_kind kind = product_kind::lesson;
  int duration_minutes = 0;         // length of each lesson
  int lessons = 1;                  // credits a package buys; 1 for a lesson or trial
  cents price;                      // VAT-inclusive consumer price of the whole product
  domain::vat vat;
  std::string name_nl;
  std::string name_en;
  std::optional<std::string> stripe_price_id;  // when the school manages prices in Stripe
};

struct weekend_discount {
  int percent = 0;  // off single lessons that start on a Saturday or Sunday, local time
};

struct refund_tier {
  std::chrono::hours min_notice{0};  // cancelled at least this long before the start…
  int refund_percent = 0;            // …refunds this share of the price
};

struct cancellation_policy {
  std::vector<refund_tier> tiers;    // sorted by min_notice, longest first
  bool credit_instead_of_refund_allowed = false;

  // Percent refunded when cancelling `notice` before the start: the first tier whose
  // min_notice is met, else 0.
  int refund_percent_for(std::chrono::minutes notice) const;
};

struct payment_catalog {
  std::string currency = "EUR";          // ISO 4217, upper case
  std::chrono::minutes hold{20};         // how long a slot stays held awaiting payment
  std::vector<product> products;
  domain::weekend_discount weekend_discount;
  cancellation_policy cancellation;
  bool trial_once_per_student = true;

  const product* find_product(std::string_view id) const;
  // The single lesson of that length, or null when the school sells none.
  const product* lesson_of(int minutes) const;
};

}  // namespace tutorbot::domain
