// Issue 16: a lesson's reminders go out exactly once although tutorbot is killed with SIGKILL
// after planning them and before sending them — the plan is rows in PostgreSQL, the sending
// goes through the outbox. The student's WhatsApp is the Chatwoot sandbox, their mailbox a
// real SMTP server (aiosmtpd).
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include "tests/e2e/crashing_tutorbot.hpp"
#include "tests/support/chatwoot/sandbox_server.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/smtp_sink.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The shipped test configuration without quiet hours, so that a reminder is due when the
// test says at any time of day.
std::string config_without_quiet_hours() {
  const fs::path dir = fs::temp_directory_path() / ("tutorbot-e2e-reminders-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const auto* name : {"calendar_config.yaml", "payment_config.yaml"})
    fs::copy_file(fs::path(TUTORBOT_SOURCE_DIR "/tests/config") / name, dir / name, fs::copy_options::overwrite_existing);
  std::ifstream in(TUTORBOT_SOURCE_DIR "/tests/config/tutorbot.yaml");
  std::stringstream text;
  text << in.rdbuf();
  const auto changed = std::regex_replace(text.str(), std::regex(R"(quiet_hours: "[^"]*")"), R"(quiet_hours: "00:00-00:00")");
  BOOST_REQUIRE(changed != text.str());
  std::ofstream(dir / "tutorbot.yaml") << changed;
  return dir.string();
}

long scalar(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  return pqxx::nontransaction(c).exec1(sql)[0].as<long>();
}

void exec(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::nontransaction(c).exec(sql);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reminder_crash)

BOOST_AUTO_TEST_CASE(a_reminder_planned_before_a_sigkill_goes_out_once_after_the_restart) {
  testing::chatwoot_sandbox_server chatwoot{testing::chatwoot_sandbox_server::test_options()};  // no webhooks
  testing::smtp_sink sink;
  const auto port = testing::free_port();
  const auto database = testing::fresh_database("e2e_reminders");
  auto env = testing::sandbox_environment();
  env["DATABASE_URL"] = database;
  env["TUTORBOT_LISTEN"] = "127.0.0.1:" + std::to_string(port);
  env["CHATWOOT_BASE_URL"] = chatwoot.base_url();
  env["CHATWOOT_API_TOKEN"] = testing::chatwoot_test_bot_token;
  env["CHATWOOT_USER_TOKEN"] = testing::chatwoot_test_user_token;  // labels need an agent's token
  env["CHATWOOT_ACCOUNT_ID"] = std::to_string(testing::chatwoot_test_account);
  env["SMTP_URL"] = sink.url();
  testing::crashing_tutorbot tutorbot(env, port, config_without_quiet_hours());
  BOOST_REQUIRE(tutorbot.ready(60s));

  // The student wrote a moment ago (WhatsApp's window is open) and booked, an hour ago, a
  // lesson that starts a day and 40 seconds from now: its reminders are due in 40 seconds.
  const auto opened = chatwoot.sandbox().open_conversation("+31611170001", "Sanne de Vries", "sanne@example.nl");
  BOOST_REQUIRE(chatwoot.sandbox().student_writes(opened.conversation_id, "Hoi"));
  const auto ref = "chatwoot:" + std::to_string(opened.conversation_id);
  exec(database,
       "WITH s AS (INSERT INTO students (name, email, locale) VALUES ('Sanne', 'sanne@example.nl', 'nl') RETURNING id) "
       "INSERT INTO bookings (tutor_id, student_id, student_ref, lesson, blocked, status, product_id, confirmed_at, last_change_at) "
       "SELECT 'anouk', s.id, '" + ref + "', tstzrange(t, t + interval '1 hour'), tstzrange(t, t + interval '1 hour'), "
       "'confirmed', 'lesson_60', now() - interval '1 hour', now() - interval '1 hour' "
       "FROM s, (SELECT date_trunc('second', now()) + interval '1 day 40 seconds' AS t) lesson_time");

  // A restart plans at once; killed as soon as the plan is written, long before it is due.
  tutorbot.kill_and_restart();
  BOOST_REQUIRE(testing::eventually([&] { return scalar(database, "SELECT count(*) FROM lesson_reminders") == 2; }, 30s));
  tutorbot.kill_and_restart();
  BOOST_REQUIRE_EQUAL(scalar(database, "SELECT count(*) FROM lesson_reminders WHERE sent_at IS NOT NULL"), 0);
  BOOST_REQUIRE(tutorbot.ready(60s));

  // The restarted tutorbot sends both when they are due, once.
  BOOST_TEST(testing::eventually(
      [&] {
        return scalar(database, "SELECT count(*) FROM outbox WHERE kind LIKE 'reminder.%' AND done_at IS NOT NULL") == 2;
      },
      120s));
  BOOST_TEST(testing::eventually(
      [&] { return scalar(database, "SELECT count(*) FROM outbox WHERE done_at IS NULL AND gave_up_at IS NULL") == 0; }, 30s));
  const auto transcript = chatwoot.sandbox().transcript(opened.conversation_id);
  BOOST_REQUIRE(transcript);
  std::size_t reminders = 0;
  for (const auto& line : transcript->messages)
    if (line.from == "bot" && line.content.find("⏰ Herinnering") == 0) ++reminders;
  BOOST_TEST(reminders == 1u);
  const auto mails = sink.mails();
  BOOST_TEST(mails.size() == 1u);
  if (!mails.empty()) BOOST_TEST(std::string(mails[0].at("subject").as_string()).find("Herinnering: je les") == 0u);
  BOOST_TEST(testing::eventually(
      [&] {
        const auto labels = chatwoot.sandbox().transcript(opened.conversation_id)->labels;
        return std::find(labels.begin(), labels.end(), "reminded") != labels.end();
      },
      30s));
  BOOST_TEST(tutorbot.starts() == 3);
}

BOOST_AUTO_TEST_SUITE_END()
