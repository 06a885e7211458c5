#include <boost/test/unit_test.hpp>

#include <chrono>
#include <variant>
#include <vector>

#include <date/tz.h>

#include "tests/unit/domain/amsterdam.hpp"
#include "domain/pricing.hpp"

using namespace tutorbot::domain;
using namespace std::chrono_literals;

namespace {

using test::amsterdam;
using test::local;


product make(std::string id, product_kind kind, int minutes, int lessons, std::int64_t price,
             vat v = {}) {
  product p;
  p.id = std::move(id);
  p.kind = kind;
  p.duration_minutes = minutes;
  p.lessons = lessons;
  p.price = cents{price};
  p.vat = v;
  p.name_nl = "nl:" + p.id;
  p.name_en = "en:" + p.id;
  return p;
}

// The sample payment_config.yaml, as values.
payment_catalog sample() {
  payment_catalog c;
  c.currency = "EUR";
  c.products = {
      make("trial-30", product_kind::trial, 30, 1, 0),
      make("lesson-60", product_kind::lesson, 60, 1, 4500),
      make("lesson-90", product_kind::lesson, 90, 1, 6500),
      make("package-2x60", product_kind::package, 60, 2, 8500),
      make("package-4x60", product_kind::package, 60, 4, 16500),
      make("coaching-60", product_kind::lesson, 60, 1, 5445, vat{false, 2100}),
  };
  c.weekend_discount.percent = 10;
  c.cancellation.tiers = {{24h, 100}, {12h, 50}};
  c.trial_once_per_student = true;
  return c;
}

const auto weekday_4pm = local(2026, 3, 12, 16, 0);   // Thursday
const auto saturday_4pm = local(2026, 3, 14, 16, 0);

quote_request request(std::string id, std::chrono::sys_seconds start) {
  quote_request r;
  r.product_id = std::move(id);
  r.lesson_start = start;
  r.zone = amsterdam();
  return r;
}

quote ok(const quote_result& r) {
  BOOST_TEST_REQUIRE(std::holds_alternative<quote>(r));
  return std::get<quote>(r);
}

pricing_error_code err(const quote_result& r) {
  BOOST_TEST_REQUIRE(std::holds_alternative<pricing_error>(r));
  return std::get<pricing_error>(r).code;
}

bool discounted(std::chrono::sys_seconds start) {
  return ok(quote_booking(sample(), request("lesson-60", start))).lines.at(0).discount_percent > 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pricing)

BOOST_AUTO_TEST_CASE(weekday_lesson_60_costs_the_list_price_without_vat_when_exempt) {
  const auto q = ok(quote_booking(sample(), request("lesson-60", weekday_4pm)));
  BOOST_TEST_REQUIRE(q.lines.size() == 1u);
  const auto& line = q.lines[0];
  BOOST_TEST(line.product_id == "lesson-60");
  BOOST_TEST(line.description_nl == "nl:lesson-60");
  BOOST_TEST(line.description_en == "en:lesson-60");
  BOOST_TEST(line.quantity == 1);
  BOOST_TEST(line.unit_amount.value == 4500);
  BOOST_TEST(line.amount.value == 4500);
  BOOST_TEST(line.vat_amount.value == 0);
  BOOST_TEST(line.discount_percent == 0);
  BOOST_TEST(q.total.value == 4500);
  BOOST_TEST(q.vat_total.value == 0);
  BOOST_TEST(q.currency == "EUR");
  BOOST_TEST(q.payment_required);
}

BOOST_AUTO_TEST_CASE(weekday_lesson_90_costs_its_own_price) {
  BOOST_TEST(ok(quote_booking(sample(), request("lesson-90", weekday_4pm))).total.value == 6500);
}

BOOST_AUTO_TEST_CASE(saturday_lesson_gets_weekend_discount_as_discounted_unit_price) {
  const auto q = ok(quote_booking(sample(), request("lesson-60", saturday_4pm)));
  const auto& line = q.lines.at(0);
  BOOST_TEST(line.unit_amount.value == 4050);
  BOOST_TEST(line.list_unit_amount.value == 4500);
  BOOST_TEST(line.discount_percent == 10);
  BOOST_TEST(line.description_nl == "nl:lesson-60 (weekendkorting 10%)");
  BOOST_TEST(line.description_en == "en:lesson-60 (weekend discount 10%)");
  BOOST_TEST(q.total.value == 4050);
}

BOOST_AUTO_TEST_CASE(lesson_90_weekend_discount) {
  BOOST_TEST(ok(quote_booking(sample(), request("lesson-90", saturday_4pm))).total.value == 5850);
}

BOOST_AUTO_TEST_CASE(friday_2359_local_is_not_weekend_saturday_0000_local_is) {
  BOOST_TEST(!discounted(local(2026, 3, 13, 23, 59)));
  // 2026-03-14 00:00 CET is Friday 23:00 UTC: the local day decides.
  const auto saturday_midnight = local(2026, 3, 14, 0, 0);
  BOOST_TEST(date::weekday{date::floor<date::days>(saturday_midnight)} == date::Friday);
  BOOST_TEST(discounted(saturday_midnight));
}

BOOST_AUTO_TEST_CASE(sunday_2359_local_is_weekend_monday_0000_local_is_not) {
  BOOST_TEST(discounted(local(2026, 3, 15, 23, 59)));
  const auto monday_0030 = local(2026, 3, 16, 0, 30);  // Sunday 23:30 UTC
  BOOST_TEST(date::weekday{date::floor<date::days>(monday_0030)} == date::Sunday);
  BOOST_TEST(!discounted(monday_0030));
}

BOOST_AUTO_TEST_CASE(dst_start_weekend_boundaries_follow_local_time) {
  // Clocks go 02:00 → 03:00 on Sunday 2026-03-29; Friday/Saturday are CET, Monday CEST.
  BOOST_TEST(!discounted(local(2026, 3, 27, 23, 59)));
  BOOST_TEST(discounted(local(2026, 3, 28, 0, 0)));
  BOOST_TEST(discounted(local(2026, 3, 29, 3, 0)));
  BOOST_TEST(discounted(local(2026, 3, 29, 23, 59)));
  BOOST_TEST(!discounted(local(2026, 3, 30, 0, 0)));  // Sunday 22:00 UTC
}

BOOST_AUTO_TEST_CASE(dst_end_weekend_boundaries_follow_local_time) {
  // Clocks go 03:00 → 02:00 on Sunday 2026-10-25.
  BOOST_TEST(!discounted(local(2026, 10, 23, 23, 59)));
  BOOST_TEST(discounted(local(2026, 10, 24, 0, 0)));  // Friday 22:00 UTC
  BOOST_TEST(discounted(local(2026, 10, 25, 2, 30)));
  BOOST_TEST(discounted(local(2026, 10, 25, 23, 59)));
  BOOST_TEST(!discounted(local(2026, 10, 26, 0, 0)));  // Sunday 23:00 UTC
}

BOOST_AUTO_TEST_CASE(packages_are_priced_as_configured_even_at_the_weekend) {
  const auto two = ok(quote_booking(sample(), request("package-2x60", saturday_4pm)));
  BOOST_TEST(two.total.value == 8500);
  BOOST_TEST(two.lines.at(0).discount_percent == 0);
  BOOST_TEST(two.lines.at(0).quantity == 1);
  BOOST_TEST(two.payment_required);
  BOOST_TEST(ok(quote_booking(sample(), request("package-4x60", weekday_4pm))).total.value == 16500);
}

BOOST_AUTO_TEST_CASE(trial_is_free_and_needs_no_payment) {
  const auto q = ok(quote_booking(sample(), request("trial-30", saturday_4pm)));
  BOOST_TEST(q.total.value == 0);
  BOOST_TEST(!q.payment_required);
  BOOST_TEST(q.lines.size() == 1u);
}

BOOST_AUTO_TEST_CASE(second_trial_is_refused) {
  auto r = request("trial-30", weekday_4pm);
  r.trial_already_used = true;
  BOOST_TEST((err(quote_booking(sample(), r)) == pricing_error_code::trial_already_used));
}

BOOST_AUTO_TEST_CASE(second_trial_allowed_when_catalog_does_not_limit_it) {
  auto c = sample();
  c.trial_once_per_student = false;
  auto r = request("trial-30", weekday_4pm);
  r.trial_already_used = true;
  BOOST_TEST(ok(quote_booking(c, r)).total.value == 0);
}

BOOST_AUTO_TEST_CASE(vat_21_is_contained_in_the_consumer_price) {
  const auto q = ok(quote_booking(sample(), request("coaching-60", weekday_4pm)));
  BOOST_TEST(q.total.value == 5445);
  BOOST_TEST(q.lines.at(0).vat_amount.value == 945);  // 4500 + 21 % = 5445
  BOOST_TEST(q.vat_total.value == 945);
  BOOST_TEST((q.lines.at(0).vat == vat{false, 2100}));
}

BOOST_AUTO_TEST_CASE(vat_21_after_weekend_discount_is_computed_on_the_discounted_amount) {
  const auto q = ok(quote_booking(sample(), request("coaching-60", saturday_4pm)));
  BOOST_TEST(q.total.value == 4900);                  // 5445 - round(544.5) = 5445 - 545
  BOOST_TEST(q.vat_total.value == 850);               // 4900 * 21/121 = 850.41
}

BOOST_AUTO_TEST_CASE(vat_rounds_half_up_on_the_cent) {
  BOOST_TEST(vat_included(cents{45}, vat{false, 10000}).value == 23);  // 22.5 → 23
  BOOST_TEST(vat_included(cents{44}, vat{false, 10000}).value == 22);
  BOOST_TEST(vat_included(cents{100}, vat{false, 2100}).value == 17);  // 17.36
  BOOST_TEST(vat_included(cents{1}, vat{false, 2100}).value == 0);     // 0.17
  BOOST_TEST(vat_included(cents{3}, vat{false, 2100}).value == 1);     // 0.52
  BOOST_TEST(vat_included(cents{5445}, vat{true, 2100}).value == 0);   // exempt wins
  BOOST_TEST(vat_included(cents{0}, vat{false, 2100}).value == 0);
}

BOOST_AUTO_TEST_CASE(discount_rounds_half_up_on_the_cent) {
  BOOST_TEST(apply_discount(cents{4505}, 10).value == 4054);  // 450.5 → 451 off
  BOOST_TEST(apply_discount(cents{4504}, 10).value == 4054);  // 450.4 → 450 off
  BOOST_TEST(apply_discount(cents{45}, 10).value == 40);      // 4.5 → 5 off
  BOOST_TEST(apply_discount(cents{4500}, 0).value == 4500);
  BOOST_TEST(apply_discount(cents{4500}, 100).value == 0);
}

BOOST_AUTO_TEST_CASE(several_lessons_are_one_line_with_a_quantity) {
  auto r = request("lesson-60", saturday_4pm);
  r.lessons = 3;
  const auto q = ok(quote_booking(sample(), r));
  BOOST_TEST(q.lines.at(0).quantity == 3);
  BOOST_TEST(q.lines.at(0).unit_amount.value == 4050);
  BOOST_TEST(q.total.value == 12150);
}

BOOST_AUTO_TEST_CASE(a_series_is_one_line_per_lesson_each_named_by_its_date_and_discounted_on_its_own) {
  // Three lessons, the middle one moved to a Saturday by the plan.
  const std::vector<std::chrono::sys_seconds> starts{weekday_4pm, saturday_4pm + 24h * 7, weekday_4pm + 24h * 14};
  const auto q = ok(quote_series(sample(), "lesson-60", starts, amsterdam()));
  BOOST_TEST_REQUIRE(q.lines.size() == 3u);
  BOOST_TEST(q.lines[0].unit_amount.value == 4500);
  BOOST_TEST(q.lines[1].unit_amount.value == 4050);
  BOOST_TEST(q.lines[1].discount_percent == 10);
  BOOST_TEST(q.lines[2].unit_amount.value == 4500);
  BOOST_TEST(q.lines[0].description_nl == "nl:lesson-60 12-03-2026 16:00");
  BOOST_TEST(q.lines[2].description_en == "en:lesson-60 26-03-2026 16:00");
  BOOST_TEST(q.total.value == 13050);
  const auto shares = series_lesson_shares(q, starts.size());
  BOOST_TEST_REQUIRE(shares.size() == 3u);
  BOOST_TEST(shares[1].value == 4050);
}

BOOST_AUTO_TEST_CASE(a_series_as_long_as_a_package_costs_the_package_and_shares_its_price) {
  std::vector<std::chrono::sys_seconds> starts;
  for (int week = 0; week < 4; ++week) starts.push_back(saturday_4pm + 24h * 7 * week);
  const auto q = ok(quote_series(sample(), "lesson-60", starts, amsterdam()));
  BOOST_TEST_REQUIRE(q.lines.size() == 1u);
  BOOST_TEST(q.lines[0].product_id == "package-4x60");
  BOOST_TEST(q.total.value == 16500);  // never discounted, even on Saturdays
  auto odd = q;
  odd.total = cents{16502};
  const auto shares = series_lesson_shares(odd, 4);
  BOOST_TEST(shares[0].value == 4126);
  BOOST_TEST(shares[1].value == 4126);
  BOOST_TEST(shares[2].value == 4125);
  BOOST_TEST(shares[3].value == 4125);
  // 90-minute lessons: no package of that length, so one line each.
  BOOST_TEST(ok(quote_series(sample(), "lesson-90", starts, amsterdam())).lines.size() == 4u);
}

BOOST_AUTO_TEST_CASE(a_series_needs_a_lesson_product_and_a_lesson) {
  BOOST_TEST((err(quote_series(sample(), "package-4x60", {weekday_4pm}, amsterdam())) == pricing_error_code::unknown_product));
  BOOST_TEST((err(quote_series(sample(), "lesson-60", {}, amsterdam())) == pricing_error_code::invalid_quantity));
}

BOOST_AUTO_TEST_CASE(lesson_from_credit_costs_nothing_and_says_so) {
  auto r = request("lesson-60", saturday_4pm);
  r.paid_from_credit = true;
  const auto q = ok(quote_booking(sample(), r));
  BOOST_TEST(q.total.value == 0);
  BOOST_TEST(!q.payment_required);
  const auto& line = q.lines.at(0);
  BOOST_TEST(line.credits_used == 1);
  BOOST_TEST(line.amount.value == 0);
  BOOST_TEST(line.discount_percent == 0);
  BOOST_TEST(line.description_nl == "nl:lesson-60 (betaald met 1 lestegoed)");
  BOOST_TEST(line.description_en == "en:lesson-60 (paid with 1 lesson credit)");
}

BOOST_AUTO_TEST_CASE(two_lessons_from_credit_use_two_credits) {
  auto r = request("lesson-60", weekday_4pm);
  r.paid_from_credit = true;
  r.lessons = 2;
  const auto q = ok(quote_booking(sample(), r));
  BOOST_TEST(q.lines.at(0).credits_used == 2);
  BOOST_TEST(q.lines.at(0).description_en == "en:lesson-60 (paid with 2 lesson credits)");
}

BOOST_AUTO_TEST_CASE(packages_and_trials_cannot_be_paid_from_credit) {
  for (const char* id : {"package-2x60", "trial-30"}) {
    auto r = request(id, weekday_4pm);
    r.paid_from_credit = true;
    BOOST_TEST((err(quote_booking(sample(), r)) == pricing_error_code::credit_not_applicable));
  }
}

BOOST_AUTO_TEST_CASE(unknown_product_is_an_error) {
  BOOST_TEST((err(quote_booking(sample(), request("lesson-45", weekday_4pm))) ==
              pricing_error_code::unknown_product));
}

BOOST_AUTO_TEST_CASE(bad_quantities_are_errors) {
  auto zero = request("lesson-60", weekday_4pm);
  zero.lessons = 0;
  BOOST_TEST((err(quote_booking(sample(), zero)) == pricing_error_code::invalid_quantity));
  auto two_packages = request("package-4x60", weekday_4pm);
  two_packages.lessons = 2;
  BOOST_TEST((err(quote_booking(sample(), two_packages)) == pricing_error_code::invalid_quantity));
}

BOOST_AUTO_TEST_CASE(refund_with_exactly_24_hours_notice_is_full) {
  const auto start = local(2026, 3, 12, 16, 0);
  const auto r = refund_for(sample().cancellation, cents{4500}, start, start - 24h);
  BOOST_TEST(r.amount.value == 4500);
  BOOST_TEST(r.percent == 100);
  BOOST_TEST((r.tier_min_notice == std::optional{24h}));
}

BOOST_AUTO_TEST_CASE(refund_one_second_short_of_24_hours_is_half_rounded_down) {
  const auto start = local(2026, 3, 12, 16, 0);
  const auto r = refund_for(sample().cancellation, cents{4505}, start, start - 24h + 1s);
  BOOST_TEST(r.amount.value == 2252);  // 2252.5 → down, the school's favour
  BOOST_TEST(r.percent == 50);
  BOOST_TEST((r.tier_min_notice == std::optional{12h}));
}

BOOST_AUTO_TEST_CASE(refund_at_exactly_12_hours_is_half_and_just_below_is_nothing) {
  const auto start = local(2026, 3, 12, 16, 0);
  BOOST_TEST(refund_for(sample().cancellation, cents{4500}, start, start - 12h).amount.value == 2250);
  const auto none = refund_for(sample().cancellation, cents{4500}, start, start - 12h + 1s);
  BOOST_TEST(none.amount.value == 0);
  BOOST_TEST(none.percent == 0);
  BOOST_TEST(!none.tier_min_notice.has_value());
}

BOOST_AUTO_TEST_CASE(refund_after_the_start_is_nothing) {
  const auto start = local(2026, 3, 12, 16, 0);
  BOOST_TEST(refund_for(sample().cancellation, cents{4500}, start, start + 1h).amount.value == 0);
}

BOOST_AUTO_TEST_CASE(refund_tiers_in_any_order_use_the_longest_met) {
  cancellation_policy p;
  p.tiers = {{12h, 50}, {24h, 100}};
  const auto start = local(2026, 3, 12, 16, 0);
  BOOST_TEST(refund_for(p, cents{4500}, start, start - 48h).percent == 100);
}

BOOST_AUTO_TEST_CASE(refund_across_dst_counts_real_hours_not_wall_clock) {
  // Sunday 2026-03-29 09:00 CEST, cancelled Saturday 10:00 CET: the wall clock says 23 h,
  // the clocks jumped an hour, so only 22 real hours of notice.
  BOOST_TEST(refund_for(sample().cancellation, cents{4500}, local(2026, 3, 29, 9, 0),
                        local(2026, 3, 28, 10, 0)).percent == 50);
  // Sunday 2026-10-25 09:00 CET, cancelled Saturday 10:00 CEST: 24 real hours.
  BOOST_TEST(refund_for(sample().cancellation, cents{4500}, local(2026, 10, 25, 9, 0),
                        local(2026, 10, 24, 10, 0)).percent == 100);
}

BOOST_AUTO_TEST_SUITE_END()
