// POST /api/v1/series/{id}/checkout: a held series is paid in one Stripe Checkout — one line per
// lesson, or the package price when a package has exactly that many lessons — and the payment
// confirms every lesson, while an expired Checkout releases every hold.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/integration/api/payment_service.hpp"

using namespace tutorbot;
namespace json = boost::json;

namespace {

struct series_checkout_fixture {
  testing::payment_service s{"series_checkout"};

  // A weekly series of `count` anouk lessons from a week ahead; its id and its lessons' ids.
  std::pair<std::string, std::vector<std::string>> held_series(int count, const std::string& student) {
    auto r = s.api("POST", "/api/v1/series",
                   json::serialize(json::object{{"tutor_id", "anouk"},
                                                {"first_start", s.free_start(7)},
                                                {"duration_minutes", 60},
                                                {"interval_weeks", 1},
                                                {"count", count},
                                                {"student_ref", student},
                                                {"on_clash", "extend"}}));
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
    auto body = json::parse(r.body).as_object();
    std::vector<std::string> lessons;
    for (const auto& l : body.at("lessons").as_array())
      lessons.emplace_back(l.as_object().at("booking_id").as_string());
    return {std::string(body.at("series_id").as_string()), lessons};
  }

  json::object checkout(const std::string& series) {
    auto r = s.api("POST", "/api/v1/series/" + series + "/checkout", R"({"email":"ouder@example.nl"})");
    BOOST_REQUIRE_MESSAGE(r.status == 201, r.body);
    return json::parse(r.body).as_object();
  }

  long lessons_in(const std::string& series, const char* status) {
    return s.scalar("SELECT count(*) FROM bookings WHERE series_id = '" + series + "' AND status = '" + status + "'");
  }

  json::array stripe_lines(const json::object& order) {
    auto r = s.stripe_http.get("/v1/checkout/sessions/" + std::string(order.at("session_id").as_string()) + "/line_items");
    BOOST_REQUIRE_MESSAGE(r.status == 200, r.text);
    return r.body.at("data").as_array();
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(series_checkout, series_checkout_fixture)

BOOST_AUTO_TEST_CASE(three_lessons_are_three_lines_and_one_payment_confirms_them_all) {
  auto [series, lessons] = held_series(3, "student-1");
  BOOST_REQUIRE(lessons.size() == 3u);
  auto order = checkout(series);
  BOOST_TEST(order.at("kind").as_string() == "series");
  BOOST_TEST(order.at("series_id").as_string() == series);
  const auto lines = stripe_lines(order);
  BOOST_TEST(lines.size() == 3u);
  long long sum = 0;
  for (const auto& line : lines) sum += line.as_object().at("amount_total").as_int64();
  BOOST_TEST(sum == order.at("amount_cents").as_int64());
  // Asked again: the same session.
  BOOST_TEST(checkout(series).at("session_id") == order.at("session_id"));

  auto paid = s.stripe_http.press(std::string(order.at("session_id").as_string()), "pay");
  BOOST_REQUIRE_MESSAGE(paid.status == 200, paid.text);
  s.wait_until([&] { return lessons_in(series, "confirmed") == 3; }, "every lesson is confirmed");
  BOOST_TEST(s.order_status(std::string(order.at("order_id").as_string())) == "paid");
  // Paid: nothing left to pay for.
  auto again = s.api("POST", "/api/v1/series/" + series + "/checkout", "{}");
  BOOST_TEST(again.status == 409);
}

BOOST_AUTO_TEST_CASE(four_lessons_cost_the_four_lesson_package) {
  auto [series, lessons] = held_series(4, "student-2");
  BOOST_REQUIRE(lessons.size() == 4u);
  auto order = checkout(series);
  BOOST_TEST(order.at("product_id").as_string() == "package-4x60");
  const auto lines = stripe_lines(order);
  BOOST_REQUIRE(lines.size() == 1u);
  BOOST_TEST(lines[0].as_object().at("amount_total").as_int64() == order.at("amount_cents").as_int64());
  // Each lesson carries its share of the package price.
  BOOST_TEST(s.scalar("SELECT sum(price_cents) FROM bookings WHERE series_id = '" + series + "'") ==
             order.at("amount_cents").as_int64());
}

BOOST_AUTO_TEST_CASE(an_expired_checkout_releases_every_lesson_and_bad_requests_change_nothing) {
  auto [series, lessons] = held_series(3, "student-3");
  auto order = checkout(series);
  auto expired = s.stripe_http.press(std::string(order.at("session_id").as_string()), "expire");
  BOOST_REQUIRE_MESSAGE(expired.status == 200, expired.text);
  s.wait_until([&] { return lessons_in(series, "expired") == 3; }, "every hold is released");
  BOOST_TEST(s.api("POST", "/api/v1/series/" + series + "/checkout", "{}").status == 409);
  BOOST_TEST(s.api("POST", "/api/v1/series/00000000-0000-0000-0000-000000000000/checkout", "{}").status == 404);
  BOOST_TEST(s.api("POST", "/api/v1/series/not-a-series/checkout", "{}").status == 404);
  BOOST_TEST(s.api("POST", "/api/v1/series/" + series + "/checkout", R"({"locale":"fr"})").status == 400);
  BOOST_TEST(s.scalar("SELECT count(*) FROM orders") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
