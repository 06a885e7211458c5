#pragma once
// What a booking costs, from the payment catalog: pure integer-cent arithmetic.
//
// Rules (decided here, tested in tests/unit/domain/pricing_test.cpp):
// - Prices are consumer prices, VAT included (Dutch practice). The VAT inside an amount is
//   amount * rate / (10000 + rate) with rate in basis points, rounded half-up on the cent;
//   exempt products carry 0 VAT. VAT is computed per line, on the line amount.
// - The weekend discount applies to single lessons (product_kind::lesson) that start on
//   a Saturday or Sunday in the school's LOCAL time zone. The discount is rounded half-up
//   on the cent and subtracted from the unit price. It is NOT a negative line (Stripe
//   Checkout line items cannot be negative): the line carries the discounted unit price,
//   its descriptions name the discount ("(weekendkorting 10%)"), and list_unit_amount /
//   discount_percent keep the undiscounted price for display.
// - Packages are priced as configured, never discounted; a trial is priced as configured
//   (0.00 in the sample) and at most once per student when the catalog says so.
// - Paid from package credit: one line of amount 0 stating how many credits it uses;
//   total 0 and payment_required false. Only lessons can be paid from credit.
// - Refunds: the tier with the longest min_notice that the notice meets; amount =
//   paid * percent / 100 rounded DOWN to the cent (never more than the exact share: the
//   school's favour, by at most one cent).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <date/tz.h>

#include "domain/catalog.hpp"
#include "domain/types.hpp"

namespace tutorbot::domain {

struct quote_line {
  std::string product_id;
  std::string description_nl;      // for the student and the Stripe line item name
  std::string description_en;
  int quantity = 1;
  cents unit_amount;               // VAT-inclusive, after any discount; never negative
  cents amount;                    // unit_amount * quantity
  domain::vat vat;
  cents vat_amount;                // VAT contained in amount
  cents list_unit_amount;          // unit price before discount (== unit_amount without one)
  int discount_percent = 0;        // weekend discount applied to this line, 0 = none
  int credits_used = 0;            // lessons paid from package credit on this line
};

struct quote {
  std::vector<quote_line> lines;
  cents total;                     // sum of line amounts, VAT included
  cents vat_total;                 // sum of line VAT
  std::string currency;            // ISO 4217 from the catalog, "EUR"
  bool payment_required = false;   // total > 0: a Checkout Session is needed
};

enum class pricing_error_code {
  unknown_product,       // no product with that id in the catalog
  trial_already_used,    // the catalog allows one trial per student and it was used
  credit_not_applicable, // only single lessons can be paid from package credit
  invalid_quantity,      // lessons < 1, or != 1 for a package or trial
};
std::string_view to_string(pricing_error_code code);

struct pricing_error {
  pricing_error_code code;
  std::string message;   // for logs: says what was wrong
};

struct quote_request {
  std::string product_id;
  std::chrono::sys_seconds lesson_start;  // first lesson's start; decides the weekend discount
  const date::time_zone* zone = nullptr;  // the school's zone; required
  bool trial_already_used = false;
  bool paid_from_credit = false;
  // Lessons paid together (a weekly or bi-weekly series keeps its local weekday, so one
  // start decides the discount for all); 1 for a single lesson, a package or a trial.
  int lessons = 1;
};

using quote_result = std::variant<quote, pricing_error>;

quote_result quote_booking(const payment_catalog& catalog, const quote_request& request);

// A series paid in one Checkout: the price of the package with exactly that many lessons of
// that length when the school sells one (one line, never discounted), else one line per
// lesson, each named by its local date and time and discounted on its own (a lesson the plan
// moved can change day). `starts` are the lessons' starts in order.
quote_result quote_series(const payment_catalog& catalog, const std::string& lesson_product_id,
                          const std::vector<std::chrono::sys_seconds>& starts, const date::time_zone* zone);

// What each lesson of a series quote is charged, in the order of `starts`: its own line, or
// an equal share of the package price (the cents that do not divide go to the first lessons).
// A cancelled lesson's refund is computed from its share.
std::vector<cents> series_lesson_shares(const quote& q, std::size_t lessons);

// Saturday or Sunday in `zone`'s local time at instant t.
bool is_local_weekend(std::chrono::sys_seconds t, const date::time_zone* zone);

// VAT contained in a VAT-inclusive amount >= 0; half-up on the cent; exempt → 0.
cents vat_included(cents amount, const domain::vat& vat);

// price minus percent, the discount rounded half-up on the cent.
cents apply_discount(cents price, int percent);

struct refund {
  cents amount;                                    // to refund, <= paid
  int percent = 0;                                 // of the tier applied; 0 without one
  std::optional<std::chrono::hours> tier_min_notice;  // the tier applied; nullopt: none met
};

// Refund for cancelling at `now` a lesson starting at `lesson_start` that was paid `paid`.
// Cancelling after the start has negative notice and meets no tier.
refund refund_for(const cancellation_policy& policy, cents paid,
                  std::chrono::sys_seconds lesson_start, std::chrono::sys_seconds now);

}  // namespace tutorbot::domain
