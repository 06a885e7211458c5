#include <boost/test/unit_test.hpp>

#include "config_test_support.hpp"

using namespace tutorbot::config;
using namespace tutorbot::config::test;

namespace {

std::variant<config, std::vector<problem>> load_service(const temp_config& t, const std::string& text,
                                                        env_map env = {}) {
  t.write("tutorbot.yaml", text);
  return load_config(t.dir(), fake_env(std::move(env)));
}

const std::string stripe_enabled = R"(database:
  url: postgresql:///tutorbot
providers:
  stripe:
    enabled: true
    success_url: https://example.nl/ok
    cancel_url: https://example.nl/cancel
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(service_config)

BOOST_AUTO_TEST_CASE(defaults_apply_when_the_file_says_little) {
  const temp_config t;
  const auto r = load_config(t.dir(), fake_env({}));
  const auto& c = valid(r);
  BOOST_TEST(c.service.listen_host == "127.0.0.1");
  BOOST_TEST(c.service.listen_port == 8080);
  BOOST_TEST(c.service.http.header_limit_bytes == 8192u);
  BOOST_TEST(c.service.http.body_limit_bytes == 1048576u);
  BOOST_TEST(c.service.database.pool_size == 4);
  BOOST_TEST(c.service.providers.stripe.api_base == "https://api.stripe.com");
}

BOOST_AUTO_TEST_CASE(listen_address_without_port_is_reported) {
  const temp_config t;
  const auto r = load_service(t, "service:\n  listen: localhost\ndatabase:\n  url: postgresql:///x\n");
  expect_only_problem(r, t.file("tutorbot.yaml"), 2, "service.listen", "is not host:port");
}

BOOST_AUTO_TEST_CASE(ipv6_listen_address_is_accepted) {
  const temp_config t;
  const auto r = load_service(t, "service:\n  listen: \"[::1]:9090\"\ndatabase:\n  url: postgresql:///x\n");
  BOOST_TEST(valid(r).service.listen_host == "::1");  // brackets are not part of the host
  BOOST_TEST(valid(r).service.listen_port == 9090);
}

BOOST_AUTO_TEST_CASE(the_school_that_organizes_the_invites_is_read_from_mail) {
  const temp_config t;
  const auto r = load_service(t, "database:\n  url: postgresql:///x\nmail:\n  school_name: Bijlesschool\n"
                                 "  from: info@school.nl\n  reply_to: planning@school.nl\n");
  BOOST_TEST(valid(r).service.mail.school_name == "Bijlesschool");
  BOOST_TEST(valid(r).service.mail.from == "info@school.nl");
  BOOST_TEST(valid(r).service.mail.reply_to == "planning@school.nl");
}

BOOST_AUTO_TEST_CASE(a_mail_address_that_is_none_is_reported) {
  const temp_config t;
  const auto r = load_service(t, "database:\n  url: postgresql:///x\nmail:\n  from: Bijlesschool <info@school.nl>\n");
  expect_only_problem(r, t.file("tutorbot.yaml"), 4, "mail.from",
                      "\"Bijlesschool <info@school.nl>\" is not an e-mail address (name@example.nl)");
}

BOOST_AUTO_TEST_CASE(mail_needs_a_sender_once_smtp_url_is_set) {
  const temp_config t;
  const auto r = load_service(t, "database:\n  url: postgresql:///x\nmail:\n  school_name: Bijlesschool\n",
                              {{"SMTP_URL", "smtp://127.0.0.1:8025"}});
  expect_only_problem(r, t.file("tutorbot.yaml"), 4, "mail.from",
                      "is required when SMTP_URL is set: the sender of the students' e-mail");
}

BOOST_AUTO_TEST_CASE(reminders_are_read_with_overnight_quiet_hours_and_their_template) {
  const temp_config t;
  const auto r = load_service(t, "database:\n  url: postgresql:///x\nreminders:\n  enabled: true\n  hours_before: 2\n"
                                 "  quiet_hours: \"22:30-07:00\"\n  whatsapp_template: lesson_reminder\n"
                                 "  whatsapp_template_parameters: [tutor, day, time]\n");
  const auto& rem = valid(r).service.reminders;
  BOOST_TEST(rem.enabled);
  BOOST_TEST(rem.hours_before.count() == 2);
  BOOST_TEST(rem.quiet_from.count() == 22 * 60 + 30);
  BOOST_TEST(rem.quiet_to.count() == 7 * 60);
  BOOST_TEST(rem.whatsapp_template == "lesson_reminder");
  BOOST_TEST((rem.whatsapp_template_parameters ==
              std::vector<tutorbot::domain::reminder_field>{tutorbot::domain::reminder_field::tutor, tutorbot::domain::reminder_field::day,
                                                          tutorbot::domain::reminder_field::time}));
}

BOOST_AUTO_TEST_CASE(a_reminder_parameter_that_is_none_and_a_missing_template_are_reported) {
  const temp_config t;
  const auto bad = load_service(t, "database:\n  url: postgresql:///x\nreminders:\n  whatsapp_template: x\n"
                                   "  whatsapp_template_parameters: [name, phone]\n");
  expect_only_problem(bad, t.file("tutorbot.yaml"), 5, "reminders.whatsapp_template_parameters[1]",
                      "\"phone\" is not one of name, day, time, tutor");
  const auto missing = load_service(t, "database:\n  url: postgresql:///x\nreminders:\n  enabled: true\n");
  BOOST_TEST(!problems_of(missing).empty());
}

BOOST_AUTO_TEST_CASE(unknown_log_level_is_reported) {
  const temp_config t;
  const auto r = load_service(t, "service:\n  log_level: verbose\ndatabase:\n  url: postgresql:///x\n");
  expect_only_problem(r, t.file("tutorbot.yaml"), 2, "service.log_level",
                      "\"verbose\" is not one of debug, info, warn, error");
}

BOOST_AUTO_TEST_CASE(enabled_stripe_without_secret_key_is_reported) {
  const temp_config t;
  const auto r = load_service(t, stripe_enabled, {{"STRIPE_WEBHOOK_SECRET", "whsec_1"}});
  expect_only_problem(r, t.file("tutorbot.yaml"), 5, "providers.stripe",
                      "STRIPE_SECRET_KEY is not set");
}

BOOST_AUTO_TEST_CASE(enabled_stripe_without_webhook_secret_is_reported) {
  const temp_config t;
  const auto r = load_service(t, stripe_enabled, {{"STRIPE_SECRET_KEY", "sk_test_1"}});
  expect_only_problem(r, t.file("tutorbot.yaml"), 5, "providers.stripe",
                      "STRIPE_WEBHOOK_SECRET is not set");
}

BOOST_AUTO_TEST_CASE(enabled_google_without_service_account_is_reported) {
  const temp_config t;
  const auto r = load_service(t, R"(database:
  url: postgresql:///tutorbot
providers:
  google:
    enabled: true
    default_calendar_id: planning@example.nl
)");
  expect_only_problem(r, t.file("tutorbot.yaml"), 5, "providers.google",
                      "GCAL_SERVICE_ACCOUNT_JSON is not set");
}

BOOST_AUTO_TEST_CASE(enabled_chatwoot_without_tokens_names_both_variables) {
  const temp_config t;
  const auto r = load_service(t, R"(database:
  url: postgresql:///tutorbot
providers:
  chatwoot:
    enabled: true
    base_url: https://app.chatwoot.com
    account_id: 1
)");
  const auto ps = problems_of(r);
  BOOST_REQUIRE_EQUAL(ps.size(), 3u);
  BOOST_TEST(ps[0].reason == "CHATWOOT_API_TOKEN is not set");
  BOOST_TEST(ps[1].reason == "CHATWOOT_WEBHOOK_TOKEN is not set");
  BOOST_TEST(ps[2].reason.find("CHATWOOT_SIGNING_SECRET is not set") == 0u, ps[2].reason);
  BOOST_TEST(ps[0].key == "providers.chatwoot");
  BOOST_TEST(ps[0].line == 5);
}

// Webhooks authenticated by the URL token alone would let anyone who saw the URL write as any
// student: only an explicit switch allows them.
BOOST_AUTO_TEST_CASE(unsigned_chatwoot_webhooks_need_an_explicit_switch) {
  const temp_config t;
  const auto r = load_service(t, R"(database:
  url: postgresql:///tutorbot
providers:
  chatwoot:
    enabled: true
    base_url: https://app.chatwoot.com
    account_id: 1
    allow_unsigned_webhooks: true
)",
                              {{"CHATWOOT_API_TOKEN", "cw-token"}, {"CHATWOOT_WEBHOOK_TOKEN", "cw-hook"}});
  BOOST_TEST(problems_of(r).empty());
}

BOOST_AUTO_TEST_CASE(secret_written_in_yaml_is_refused_without_echoing_it) {
  const temp_config t;
  const auto r = load_service(t, stripe_enabled + "    secret_key: sk_live_LEAKED\n",
                              {{"STRIPE_SECRET_KEY", "sk_test_1"}, {"STRIPE_WEBHOOK_SECRET", "whsec_1"}});
  expect_only_problem(r, t.file("tutorbot.yaml"), 8, "providers.stripe.secret_key",
                      "secrets come from the environment: set STRIPE_SECRET_KEY");
  BOOST_TEST(to_string(problems_of(r)[0]).find("LEAKED") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(database_url_with_password_in_yaml_is_refused) {
  const temp_config t;
  const auto r = load_service(t, "database:\n  url: postgresql://bot:hunter2@db/tutorbot\n");
  expect_only_problem(r, t.file("tutorbot.yaml"), 2, "database.url", "set DATABASE_URL");
  BOOST_TEST(to_string(problems_of(r)[0]).find("hunter2") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(boolean_expected_but_text_given_is_reported) {
  const temp_config t;
  const auto r = load_service(t, "database:\n  url: postgresql:///x\nproviders:\n  stripe:\n    enabled: sometimes\n");
  expect_only_problem(r, t.file("tutorbot.yaml"), 5, "providers.stripe.enabled", "expected true or false");
}

BOOST_AUTO_TEST_CASE(missing_file_is_reported) {
  const temp_config t;
  std::filesystem::remove(t.file("payment_config.yaml"));
  const auto r = load_config(t.dir(), fake_env({}));
  expect_only_problem(r, t.file("payment_config.yaml"), 0, "", "cannot open the file");
  BOOST_TEST(to_string(problems_of(r)[0]) ==
             t.file("payment_config.yaml") + ": cannot open the file (is --config pointing at the right folder?)");
}

BOOST_AUTO_TEST_CASE(unparsable_yaml_is_reported_with_its_line) {
  const temp_config t;
  const auto r = load_service(t, "database:\n  url: postgresql:///x\nservice: [unclosed\n");
  const auto ps = problems_of(r);
  BOOST_REQUIRE_EQUAL(ps.size(), 1u);
  BOOST_TEST(ps[0].file == t.file("tutorbot.yaml"));
  BOOST_TEST(ps[0].line >= 3);
  BOOST_TEST(ps[0].reason.find("not valid YAML") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(problems_in_every_file_are_all_collected) {
  const temp_config t;
  t.write("tutorbot.yaml", "service:\n  log_level: loud\ndatabase:\n  url: postgresql:///x\n");
  t.write("calendar_config.yaml", "timezone: Mars/Olympus\ntutors: []\n");
  t.write("payment_config.yaml", "currency: euro\nproducts: []\n");
  const auto ps = problems_of(load_config(t.dir(), fake_env({{"TUTORBOT_LISTEN", "nope"}})));
  BOOST_TEST_INFO("problems:" << dump(ps));
  BOOST_TEST(ps.size() == 6u);  // log level, listen, timezone, no tutors, currency, no products
}

BOOST_AUTO_TEST_SUITE_END()
