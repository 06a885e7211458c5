// `tutorbot chat` run as a person runs it, against an in-process Chatwoot sandbox (and a
// Stripe sandbox for the payment buttons), with no tutorbot serving: the test plays the bot
// through the sandbox's API and types into the chat's stdin.
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/chatwoot/chatwoot_api.hpp"
#include "tests/support/chatwoot/fixture.hpp"
#include "tests/support/chatwoot/sandbox_server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/stripe/sandbox_server.hpp"
#include "tests/support/stripe/stripe_api.hpp"

using namespace tutorbot;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::string binary = TUTORBOT_BINARY_DIR "/tutorbot";

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct chat_fixture {
  testing::chatwoot_sandbox_server chatwoot{testing::chatwoot_sandbox_server::test_options()};  // no webhooks
  testing::stripe_sandbox_server stripe;
  testing::chatwoot_api bot{chatwoot.port(), testing::chatwoot_test_account, testing::chatwoot_test_bot_token};
  testing::stripe_api stripe_api{stripe.port(), stripe.secret_key()};
  std::string log_path = "/tmp/tutorbot-e2e-chat-" + std::to_string(chatwoot.port()) + ".log";

  std::map<std::string, std::string> environment() const {
    return {{"CHATWOOT_BASE_URL", chatwoot.base_url()}, {"STRIPE_API_BASE", stripe.base_url()}};
  }

  std::string output() const { return file_text(log_path); }
  bool printed(const std::string& text, std::chrono::milliseconds deadline = 5s) const {
    return testing::eventually([&] { return output().find(text) != std::string::npos; }, deadline);
  }

  // The student's conversation once the chat has opened it; 0 until then.
  std::int64_t conversation() const {
    const auto list = bot.control("GET", "/conversations");
    if (list.status != 200) return 0;
    const auto& payload = list.body.at("payload").as_array();
    return payload.empty() ? 0 : payload.back().at("id").as_int64();
  }

  // Whether the sandbox's transcript holds a student message with exactly `content`.
  bool student_wrote(std::int64_t c, const std::string& content) {
    auto t = chatwoot.sandbox().transcript(c);
    if (!t) return false;
    for (const auto& line : t->messages)
      if (line.from == "student" && line.content == content) return true;
    return false;
  }

  void bot_says(std::int64_t c, json::object message) const {
    message["message_type"] = "outgoing";
    const auto answer = bot.post("/conversations/" + std::to_string(c) + "/messages", message);
    BOOST_REQUIRE_MESSAGE(answer.status == 200, answer.text);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(chat)

BOOST_FIXTURE_TEST_CASE(typed_lines_reach_the_sandbox_choices_are_numbered_and_a_number_sends_the_title, chat_fixture) {
  testing::child_process chat({binary, "chat", "--phone", "+31611112222", "--name", "Sanne de Vries"}, environment(),
                              log_path, true);
  std::int64_t c = 0;
  BOOST_REQUIRE_MESSAGE(testing::eventually([&] { return (c = conversation()) != 0; }),
                        "no conversation opened; see " + log_path);
  BOOST_REQUIRE(printed("/pay"));  // the banner

  BOOST_REQUIRE(chat.write_stdin("Hallo, ik wil een les boeken\n"));
  BOOST_REQUIRE_MESSAGE(testing::eventually([&] { return student_wrote(c, "Hallo, ik wil een les boeken"); }), output());

  // Reply buttons: WhatsApp shows the titles; the chat numbers them.
  const json::array items{json::object{{"title", "60 minuten"}, {"value", "60"}},
                          json::object{{"title", "90 minuten"}, {"value", "90"}}};
  bot_says(c, {{"content", "Hoi *Sanne*! Welke les?"},
               {"content_type", "input_select"},
               {"content_attributes", json::object{{"items", items}}}});
  BOOST_REQUIRE_MESSAGE(printed("bot: Hoi Sanne! Welke les?\n  [1] 60 minuten\n  [2] 90 minuten\n"), output());
  BOOST_REQUIRE(chat.write_stdin("2\n"));
  BOOST_REQUIRE_MESSAGE(testing::eventually([&] { return student_wrote(c, "90 minuten"); }), output());
  BOOST_TEST(!student_wrote(c, "2"));

  // Choices the bot sends as numbered text count the same way.
  bot_says(c, {{"content", "Welke tijd?\n\n1. di 10 maart 14:00 met Anna\n2. wo 11 maart 09:30 met Bram"}});
  BOOST_REQUIRE_MESSAGE(printed("  [2] wo 11 maart 09:30 met Bram\n"), output());
  BOOST_REQUIRE(chat.write_stdin("1\n"));
  BOOST_REQUIRE_MESSAGE(testing::eventually([&] { return student_wrote(c, "di 10 maart 14:00 met Anna"); }), output());

  // A payment link: the URL is shown; /fail and /pay press the hosted page's buttons.
  const auto session = stripe_api.create_session();
  const std::string url(session.at("url").as_string());
  const std::string id(session.at("id").as_string());
  bot_says(c, {{"content", "*60 minuten les*\nTotaal: €45,00\n\nBetaal hier:\n" + url}});
  BOOST_REQUIRE_MESSAGE(printed(url + "\n"), output());
  BOOST_REQUIRE(chat.write_stdin("/fail\n"));
  BOOST_REQUIRE_MESSAGE(printed("card declined"), output());
  BOOST_REQUIRE(chat.write_stdin("/pay\n"));
  BOOST_REQUIRE_MESSAGE(printed("paid — the Checkout Session is complete"), output());
  const auto paid = stripe_api.get("/v1/checkout/sessions/" + id);
  BOOST_TEST(paid.body.at("status").as_string() == "complete");
  BOOST_TEST(paid.body.at("payment_status").as_string() == "paid");

  BOOST_REQUIRE(chat.write_stdin("/quit\n"));
  const auto code = chat.wait_for_exit(5s);
  BOOST_REQUIRE_MESSAGE(code.has_value(), "tutorbot chat still running 5 s after /quit");
  BOOST_TEST(*code == 0);
  // Nothing the chat itself understood went to the student's WhatsApp.
  const auto t = chatwoot.sandbox().transcript(c);
  for (const auto& line : t->messages) BOOST_TEST(!line.content.starts_with("/"));
}

BOOST_FIXTURE_TEST_CASE(end_of_input_ends_the_chat_with_0_and_a_last_line_without_newline_is_sent, chat_fixture) {
  testing::child_process chat({binary, "chat"}, environment(), log_path, true);
  std::int64_t c = 0;
  BOOST_REQUIRE(testing::eventually([&] { return (c = conversation()) != 0; }));
  BOOST_REQUIRE(chat.write_stdin("tot ziens"));
  chat.close_stdin();
  const auto code = chat.wait_for_exit(5s);
  BOOST_REQUIRE(code.has_value());
  BOOST_TEST(*code == 0);
  BOOST_TEST(student_wrote(c, "tot ziens"));
  BOOST_CHECK_MESSAGE(output().find("you are Student (+31612345678)") != std::string::npos, output());
}

BOOST_AUTO_TEST_CASE(a_chatwoot_that_is_not_on_loopback_is_refused_with_2_and_no_sandbox_gives_1) {
  std::map<std::string, std::string> env{{"CHATWOOT_BASE_URL", "https://app.chatwoot.com"}};
  auto refused = testing::run_command({binary, "chat"}, env);
  BOOST_TEST(refused.exit_code == 2);
  BOOST_CHECK_MESSAGE(refused.output.find("CHATWOOT_BASE_URL must be the Chatwoot sandbox on loopback") != std::string::npos,
                      refused.output);

  env["CHATWOOT_BASE_URL"] = "http://127.0.0.1:" + std::to_string(testing::free_port());
  auto absent = testing::run_command({binary, "chat"}, env);
  BOOST_TEST(absent.exit_code == 1);
  BOOST_CHECK_MESSAGE(absent.output.find("cannot reach the Chatwoot sandbox") != std::string::npos, absent.output);

  auto usage = testing::run_command({binary, "chat", "--phone"}, env);
  BOOST_TEST(usage.exit_code == 64);
}

BOOST_AUTO_TEST_SUITE_END()
