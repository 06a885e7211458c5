#include <boost/test/unit_test.hpp>

#include <sstream>

#include "config_test_support.hpp"

using namespace tutorbot::config;
using namespace tutorbot::config::test;

BOOST_AUTO_TEST_SUITE(environment_overrides)

BOOST_AUTO_TEST_CASE(environment_wins_over_the_sample_files) {
  auto env = all_secrets();
  env["DATABASE_URL"] = "postgresql://bot:pw@db.internal/tutorbot";
  env["TUTORBOT_LISTEN"] = "0.0.0.0:9000";
  env["TUTORBOT_LOG_LEVEL"] = "debug";
  env["STRIPE_API_BASE"] = "http://127.0.0.1:12111";
  env["STRIPE_PUBLISHABLE_KEY"] = "pk_test_1";
  env["GCAL_API_BASE"] = "http://127.0.0.1:12112/calendar/v3";
  env["GCAL_CALENDAR_ID"] = "sandbox@example.nl";
  env["CHATWOOT_BASE_URL"] = "http://127.0.0.1:12113";
  env["CHATWOOT_ACCOUNT_ID"] = "7";
  const auto r = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(env));
  const auto& s = valid(r).service;

  BOOST_TEST(s.database_url.reveal() == "postgresql://bot:pw@db.internal/tutorbot");
  BOOST_TEST(s.listen_host == "0.0.0.0");
  BOOST_TEST(s.listen_port == 9000);
  BOOST_TEST(s.log_level == "debug");
  BOOST_TEST(s.api_token.reveal() == "api_SECRETVALUE5");
  BOOST_TEST(s.providers.stripe.api_base == "http://127.0.0.1:12111");
  BOOST_TEST(s.providers.stripe.publishable_key == "pk_test_1");
  BOOST_TEST(s.providers.google.api_base == "http://127.0.0.1:12112/calendar/v3");
  BOOST_TEST(s.providers.google.default_calendar_id == "sandbox@example.nl");
  BOOST_TEST(s.providers.google.service_account_json_path == fixtures + "/service_account.json");
  BOOST_TEST(s.providers.chatwoot.base_url == "http://127.0.0.1:12113");
  BOOST_TEST(s.providers.chatwoot.account_id == 7);
  BOOST_TEST(s.providers.chatwoot.api_token.reveal() == "cw_SECRETVALUE3");
  BOOST_TEST(s.providers.chatwoot.webhook_token.reveal() == "cwhook_SECRETVALUE4");
}

BOOST_AUTO_TEST_CASE(secret_can_come_from_a_file_named_by_x_file) {
  auto env = all_secrets();
  env.erase("STRIPE_WEBHOOK_SECRET");
  env["STRIPE_WEBHOOK_SECRET_FILE"] = fixtures + "/stripe_webhook_secret.txt";
  const auto r = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(env));
  const auto& secrets = valid(r).service.providers.stripe.webhook_secrets;
  BOOST_REQUIRE_EQUAL(secrets.size(), 1u);
  BOOST_TEST(secrets[0].reveal() == "whsec_from_file");  // trailing newline trimmed
}

BOOST_AUTO_TEST_CASE(unreadable_secret_file_names_the_variable) {
  const temp_config t;
  const auto r = load_config(t.dir(), fake_env({{"TUTORBOT_API_TOKEN_FILE", t.file("missing.txt")}}));
  expect_only_problem(r, "environment", 0, "TUTORBOT_API_TOKEN_FILE", "cannot read the file");
}

BOOST_AUTO_TEST_CASE(secret_set_both_directly_and_by_file_is_reported) {
  const temp_config t;
  const auto r = load_config(t.dir(), fake_env({{"TUTORBOT_API_TOKEN", "tok_VALUE"},
                                                {"TUTORBOT_API_TOKEN_FILE", fixtures + "/stripe_webhook_secret.txt"}}));
  expect_only_problem(r, "environment", 0, "TUTORBOT_API_TOKEN", "set only one of them");
  BOOST_TEST(to_string(problems_of(r)[0]).find("tok_VALUE") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(comma_separated_webhook_secrets_are_all_accepted) {
  auto env = all_secrets();
  env["STRIPE_WEBHOOK_SECRET"] = "whsec_new, whsec_old";
  const auto r = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(env));
  const auto& secrets = valid(r).service.providers.stripe.webhook_secrets;
  BOOST_REQUIRE_EQUAL(secrets.size(), 2u);
  BOOST_TEST(secrets[0].reveal() == "whsec_new");
  BOOST_TEST(secrets[1].reveal() == "whsec_old");
}

BOOST_AUTO_TEST_CASE(bad_listen_variable_is_reported_under_environment) {
  const temp_config t;
  const auto r = load_config(t.dir(), fake_env({{"TUTORBOT_LISTEN", "8080"}}));
  expect_only_problem(r, "environment", 0, "TUTORBOT_LISTEN", "is not host:port");
  BOOST_TEST(to_string(problems_of(r)[0]) ==
             "environment: TUTORBOT_LISTEN: \"8080\" is not host:port, e.g. 127.0.0.1:8080");
}

BOOST_AUTO_TEST_CASE(bad_chatwoot_account_id_is_reported) {
  const temp_config t;
  const auto r = load_config(t.dir(), fake_env({{"CHATWOOT_ACCOUNT_ID", "one"}}));
  expect_only_problem(r, "environment", 0, "CHATWOOT_ACCOUNT_ID", "is not a positive integer");
}

BOOST_AUTO_TEST_CASE(service_account_path_that_is_no_file_is_reported) {
  const temp_config t;
  const auto r = load_config(t.dir(), fake_env({{"GCAL_SERVICE_ACCOUNT_JSON", t.file("nope.json")}}));
  expect_only_problem(r, "environment", 0, "GCAL_SERVICE_ACCOUNT_JSON", "is not a readable file");
}

BOOST_AUTO_TEST_CASE(a_malformed_service_account_key_file_is_reported_without_its_content) {
  const temp_config t;
  t.write("not-json.json", "private_key=-----BEGIN PRIVATE KEY----- hunter2");
  auto r = load_config(t.dir(), fake_env({{"GCAL_SERVICE_ACCOUNT_JSON", t.file("not-json.json")}}));
  expect_only_problem(r, "environment", 0, "GCAL_SERVICE_ACCOUNT_JSON", "is not a service-account key file");
  BOOST_TEST(to_string(problems_of(r)[0]).find("hunter2") == std::string::npos);

  t.write("no-key.json", R"({"client_email":"a@b.iam.gserviceaccount.com","token_uri":"https://oauth2.googleapis.com/token"})");
  r = load_config(t.dir(), fake_env({{"GCAL_SERVICE_ACCOUNT_JSON", t.file("no-key.json")}}));
  expect_only_problem(r, "environment", 0, "GCAL_SERVICE_ACCOUNT_JSON", "has no \"private_key\"");

  t.write("not-pem.json", R"({"client_email":"a@b","private_key":"secret-stuff","token_uri":"https://x/token"})");
  r = load_config(t.dir(), fake_env({{"GCAL_SERVICE_ACCOUNT_JSON", t.file("not-pem.json")}}));
  expect_only_problem(r, "environment", 0, "GCAL_SERVICE_ACCOUNT_JSON", "is not a PEM key");
  BOOST_TEST(to_string(problems_of(r)[0]).find("secret-stuff") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(process_environment_reads_getenv) {
  ::setenv("TUTORBOT_CONFIG_TEST_VARIABLE", "42", 1);
  const auto env = process_environment();
  BOOST_TEST(env("TUTORBOT_CONFIG_TEST_VARIABLE").value_or("") == "42");
  BOOST_TEST(!env("TUTORBOT_CONFIG_TEST_UNSET_VARIABLE").has_value());
  ::unsetenv("TUTORBOT_CONFIG_TEST_VARIABLE");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(secrets)

BOOST_AUTO_TEST_CASE(streaming_a_secret_prints_stars) {
  const secret s("sk_live_VERYSECRET");
  std::ostringstream out;
  out << s;
  BOOST_TEST(out.str() == "***");
  BOOST_TEST(s.reveal() == "sk_live_VERYSECRET");
  BOOST_TEST(!s.empty());
  BOOST_TEST(secret{}.empty());
}

// libpq quotes a malformed percent-encoded part of the URL in its error, password and all:
// the URL is refused at the start, and the refusal never quotes it (issue 13).
BOOST_AUTO_TEST_CASE(a_database_url_with_a_stray_percent_is_refused_without_quoting_it) {
  auto env = all_secrets();
  env["DATABASE_URL"] = "postgresql://bot:SECRET%VALUE7@db/tutorbot";
  const auto r = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(env));
  const auto ps = problems_of(r);
  BOOST_REQUIRE_EQUAL(ps.size(), 1u);
  const auto text = to_string(ps[0]);
  BOOST_TEST(text.find("%25") != std::string::npos, text);
  BOOST_TEST(text.find("VALUE7") == std::string::npos, text);
  env["DATABASE_URL"] = "postgresql://bot:SECRET%25VALUE7@db/tutorbot";  // a % written as %25 is fine
  BOOST_TEST(problems_of(load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(env))).empty());
}

BOOST_AUTO_TEST_CASE(smtp_url_turns_mail_on_and_a_bad_one_is_refused_without_quoting_it) {
  auto env = all_secrets();
  BOOST_TEST(!valid(load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(env))).service.mail.enabled());
  env["SMTP_URL"] = "smtps://smtp.example.nl:465";
  env["SMTP_USER"] = "school";
  env["SMTP_PASSWORD"] = "SMTP_SECRETVALUE8";
  const auto on = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(env));
  BOOST_TEST(valid(on).service.mail.enabled());
  BOOST_TEST(valid(on).service.mail.smtp_url == "smtps://smtp.example.nl:465");
  BOOST_TEST(valid(on).service.mail.smtp_password.reveal() == "SMTP_SECRETVALUE8");
  env["SMTP_URL"] = "https://school:SECRETVALUE9@smtp.example.nl";
  const auto ps = problems_of(load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(env)));
  BOOST_REQUIRE_EQUAL(ps.size(), 1u);
  const auto text = to_string(ps[0]);
  BOOST_TEST(text.find("SMTP_URL: is not an smtp:// or smtps:// URL") != std::string::npos, text);
  BOOST_TEST(text.find("SECRETVALUE9") == std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(missing_secret_problems_never_contain_secret_values) {
  auto env = all_secrets();
  env.erase("STRIPE_WEBHOOK_SECRET");  // one missing; the others are set
  env["DATABASE_URL"] = "postgresql://bot:SECRETVALUE6@db/tutorbot";
  const auto r = load_config(TUTORBOT_SOURCE_DIR "/config", fake_env(env));
  const auto ps = problems_of(r);
  BOOST_REQUIRE_EQUAL(ps.size(), 1u);
  const auto text = to_string(ps[0]);
  BOOST_TEST(text.find("STRIPE_WEBHOOK_SECRET is not set") != std::string::npos, text);
  BOOST_TEST(text.find("SECRETVALUE") == std::string::npos, text);
}

BOOST_AUTO_TEST_SUITE_END()
