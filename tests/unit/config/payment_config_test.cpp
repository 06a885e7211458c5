#include <boost/test/unit_test.hpp>

#include "config_test_support.hpp"

using namespace tutorbot::config;
using namespace tutorbot::config::test;

namespace {

// A payment file whose only product gets `product_lines` (from line 8 on).
std::string payment_with(const std::string& product_lines, const std::string& top = "") {
  return "currency: EUR\n" + top + R"(products:
  - id: lesson-60
    name_nl: Bijles
    name_en: Lesson
    duration_minutes: 60
)" + product_lines;
}

std::variant<config, std::vector<problem>> load_payment(const temp_config& t, const std::string& text) {
  t.write("payment_config.yaml", text);
  return load_config(t.dir(), fake_env({}));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(payment_config)

BOOST_AUTO_TEST_CASE(price_is_read_exactly_in_cents) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: lesson\n    price: 45.5\n"));
  BOOST_TEST(valid(r).payments.products[0].price == tutorbot::domain::cents{4550});
}

BOOST_AUTO_TEST_CASE(negative_price_is_reported) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: lesson\n    price: -45.00\n"));
  expect_only_problem(r, t.file("payment_config.yaml"), 8, "products[0].price", "is negative");
}

BOOST_AUTO_TEST_CASE(price_with_three_decimals_is_reported) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: lesson\n    price: 45.005\n"));
  expect_only_problem(r, t.file("payment_config.yaml"), 8, "products[0].price",
                      "is not an amount such as 45.00");
}

BOOST_AUTO_TEST_CASE(vat_rate_out_of_range_is_reported) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: lesson\n    price: 45.00\n    vat: 121\n"));
  expect_only_problem(r, t.file("payment_config.yaml"), 9, "products[0].vat",
                      "is outside 0..100");
}

BOOST_AUTO_TEST_CASE(vat_rate_is_read_in_basis_points) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: lesson\n    price: 45.00\n    vat: \"9%\"\n"));
  const auto& p = valid(r).payments.products[0];
  BOOST_TEST(!p.vat.exempt);
  BOOST_TEST(p.vat.rate_basis_points == 900);
}

BOOST_AUTO_TEST_CASE(unknown_product_kind_is_reported) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: lesso\n    price: 45.00\n"));
  expect_only_problem(r, t.file("payment_config.yaml"), 7, "products[0].kind",
                      "\"lesso\" is not a product kind");
}

BOOST_AUTO_TEST_CASE(package_without_lessons_count_is_reported) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: package\n    price: 85.00\n"));
  expect_only_problem(r, t.file("payment_config.yaml"), 3, "products[0].lessons",
                      "is required for a package");
}

BOOST_AUTO_TEST_CASE(product_duration_no_tutor_accepts_is_reported) {
  const temp_config t;
  const auto r = load_payment(t, R"(currency: EUR
products:
  - id: lesson-90
    kind: lesson
    name_nl: Bijles
    name_en: Lesson
    duration_minutes: 90
    price: 65.00
)");
  expect_only_problem(r, t.file("payment_config.yaml"), 7, "products[0].duration_minutes",
                      "no tutor accepts 90-minute lessons");
}

BOOST_AUTO_TEST_CASE(weekend_discount_above_100_percent_is_reported) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: lesson\n    price: 45.00\n",
                                              "weekend_discount_percent: 110\n"));
  expect_only_problem(r, t.file("payment_config.yaml"), 2, "weekend_discount_percent",
                      "110 is outside 0..100");
}

BOOST_AUTO_TEST_CASE(refund_percent_outside_0_to_100_is_reported) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: lesson\n    price: 45.00\n", R"(cancellation:
  refund_tiers:
    - { min_notice_hours: 24, refund_percent: 150 }
)"));
  expect_only_problem(r, t.file("payment_config.yaml"), 4,
                      "cancellation.refund_tiers[0].refund_percent", "150 is outside 0..100");
}

BOOST_AUTO_TEST_CASE(refund_tiers_are_sorted_by_notice_longest_first) {
  const temp_config t;
  const auto r = load_payment(t, payment_with("    kind: lesson\n    price: 45.00\n", R"(cancellation:
  refund_tiers:
    - { min_notice_hours: 12, refund_percent: 50 }
    - { min_notice_hours: 24, refund_percent: 100 }
)"));
  const auto& tiers = valid(r).payments.cancellation.tiers;
  BOOST_REQUIRE_EQUAL(tiers.size(), 2u);
  BOOST_TEST(tiers[0].min_notice.count() == 24);
  BOOST_TEST(tiers[1].min_notice.count() == 12);
}

BOOST_AUTO_TEST_CASE(duplicate_product_id_is_reported) {
  const temp_config t;
  const auto r = load_payment(t, payment_with(R"(    kind: lesson
    price: 45.00
  - id: lesson-60
    kind: lesson
    name_nl: Bijles
    name_en: Lesson
    duration_minutes: 60
    price: 40.00
)"));
  expect_only_problem(r, t.file("payment_config.yaml"), 9, "products[1].id",
                      "used by another product");
}

BOOST_AUTO_TEST_SUITE_END()
