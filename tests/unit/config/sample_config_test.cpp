#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "config_test_support.hpp"

using namespace tutorbot;
using namespace tutorbot::config;
using namespace tutorbot::config::test;
using namespace std::chrono;

BOOST_AUTO_TEST_SUITE(sample_config)

BOOST_AUTO_TEST_CASE(shipped_sample_config_is_valid_with_secrets_in_the_environment) {
  const auto r = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(all_secrets()));
  const auto& c = valid(r);

  BOOST_TEST(c.calendar.timezone == "Europe/Amsterdam");
  BOOST_REQUIRE_EQUAL(c.calendar.tutors.size(), 4u);
  BOOST_TEST(c.calendar.tutors[0].id == "anouk");
  BOOST_TEST(c.calendar.tutors[1].id == "daan");
  BOOST_TEST(c.calendar.tutors[2].id == "sanne");
  BOOST_TEST(c.calendar.tutors[3].id == "joost");
  BOOST_TEST(c.service.providers.stripe.enabled);
  BOOST_TEST(c.service.providers.google.enabled);
  BOOST_TEST(c.service.providers.chatwoot.enabled);
  BOOST_TEST(c.service.providers.stripe.secret_key.reveal() == "sk_test_SECRETVALUE1");
  BOOST_TEST(c.service.listen_port == 8080);

  std::vector<std::string> ids;
  for (const auto& p : c.payments.products) ids.push_back(p.id);
  BOOST_TEST(ids == (std::vector<std::string>{"trial-30", "lesson-60", "lesson-90", "package-2x60",
                                              "package-4x60", "coaching-60"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sample_tutor_rules_have_defaults_breaks_and_overrides) {
  const auto r = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(all_secrets()));
  const auto& cal = valid(r).calendar;
  const auto& anouk = *cal.find_tutor("anouk");

  BOOST_TEST(anouk.buffer_before == minutes{10});
  BOOST_TEST(anouk.buffer_after == minutes{5});
  BOOST_TEST(anouk.min_notice == hours{12});
  BOOST_TEST(anouk.horizon == days{56});
  BOOST_TEST(anouk.slot_step == minutes{15});
  BOOST_TEST(anouk.max_lessons_per_day == 5);
  BOOST_TEST(anouk.accepts_duration(60));
  BOOST_TEST(anouk.accepts_duration(90));
  const auto monday = Monday.c_encoding();
  BOOST_REQUIRE_EQUAL(anouk.weekly[monday].size(), 1u);
  BOOST_TEST((anouk.weekly[monday][0] == domain::minute_range{15 * 60, 21 * 60}));
  BOOST_TEST((anouk.breaks[Saturday.c_encoding()][0] == domain::minute_range{18 * 60, 18 * 60 + 30}));
  BOOST_REQUIRE_EQUAL(anouk.absences.size(), 1u);
  BOOST_TEST((anouk.absences[0].begin == local_days{2026y / November / 12} + hours{15}));
  BOOST_REQUIRE_EQUAL(anouk.days_off.size(), 2u);

  const auto& daan = *cal.find_tutor("daan");
  BOOST_TEST(daan.weekly[Sunday.c_encoding()].empty());
  BOOST_REQUIRE_EQUAL(daan.hours_on(2026y / December / 13).size(), 1u);
  BOOST_TEST(daan.hours_on(2026y / November / 27).empty());  // a Friday, closed by override
  BOOST_TEST(daan.hours_on(2026y / November / 20).size() == 1u);  // an ordinary Friday

  BOOST_TEST(cal.find_tutor("sanne")->buffer_before == minutes{15});
  BOOST_TEST(cal.find_tutor("sanne")->max_lessons_per_day == 4);
  BOOST_TEST(!cal.find_tutor("joost")->accepts_duration(90));
  BOOST_TEST(cal.is_school_holiday(2026y / December / 19));
  BOOST_TEST(cal.is_school_holiday(2027y / January / 3));
  BOOST_TEST(!cal.is_school_holiday(2027y / January / 4));
}

BOOST_AUTO_TEST_CASE(sample_payment_catalog_has_prices_vat_and_policy) {
  const auto r = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(all_secrets()));
  const auto& pay = valid(r).payments;

  BOOST_TEST(pay.currency == "EUR");
  BOOST_TEST(pay.hold == minutes{20});
  BOOST_TEST(pay.trial_once_per_student);
  BOOST_TEST(pay.weekend_discount.percent == 10);
  BOOST_TEST(pay.find_product("lesson-60")->price == domain::cents{4500});
  BOOST_TEST(pay.find_product("lesson-90")->price == domain::cents{6500});
  BOOST_TEST(pay.find_product("lesson-60")->vat.exempt);
  BOOST_TEST(pay.find_product("package-4x60")->lessons == 4);
  BOOST_TEST((pay.find_product("package-2x60")->kind == domain::product_kind::package));
  BOOST_TEST((pay.find_product("trial-30")->kind == domain::product_kind::trial));
  BOOST_TEST(pay.find_product("trial-30")->price == domain::cents{0});
  const auto& coaching = *pay.find_product("coaching-60");
  BOOST_TEST(!coaching.vat.exempt);
  BOOST_TEST(coaching.vat.rate_basis_points == 2100);
  BOOST_REQUIRE_EQUAL(pay.cancellation.tiers.size(), 2u);
  BOOST_TEST(pay.cancellation.refund_percent_for(hours{30}) == 100);
  BOOST_TEST(pay.cancellation.refund_percent_for(hours{12}) == 50);
  BOOST_TEST(pay.cancellation.refund_percent_for(hours{11}) == 0);
  BOOST_TEST(pay.cancellation.credit_instead_of_refund_allowed);
}

BOOST_AUTO_TEST_CASE(sample_config_without_secrets_names_every_missing_variable) {
  const auto r = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env({}));
  std::string all;
  for (const auto& p : problems_of(r)) all += to_string(p) + "\n";
  for (const char* var : {"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "GCAL_SERVICE_ACCOUNT_JSON",
                          "CHATWOOT_API_TOKEN", "CHATWOOT_WEBHOOK_TOKEN", "CHATWOOT_SIGNING_SECRET"})
    BOOST_TEST(all.find(var) != std::string::npos, var << " missing from:\n" << all);
  BOOST_TEST(problems_of(r).size() == 6u, all);
}

BOOST_AUTO_TEST_SUITE_END()
