// Chatwoot posts each webhook once: a lost one is found by the catch-up. And outside
// WhatsApp's 24-hour window only the approved template goes out.
#include <boost/test/unit_test.hpp>

#include "tests/integration/api/chat_service.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(conversation_catchup)

BOOST_AUTO_TEST_CASE(a_message_whose_webhook_was_lost_is_still_answered) {
  testing::chat_service s("catchup_lost", [](config::config& cfg) { cfg.service.providers.chatwoot.catchup = 1s; });
  auto c = s.open("+31611120001", "Sanne de Vries", "sanne@example.nl");
  s.say(c, "Hoi", "Waarmee kan ik je helpen");
  s.chatwoot.sandbox().drop_next_webhooks(1);
  // Its webhook never reaches tutorbot; the catch-up lists it from Chatwoot.
  s.say(c, "Les boeken", "Dit heb ik al van je");
  BOOST_TEST(s.payments.scalar("SELECT count(*) FROM conversation_events WHERE kind = 'message'") == 2);
}

// A new student's very first message: tutorbot has never heard of the conversation, so only
// Chatwoot's list of the bot's (pending) conversations can show it. Before, it was never
// answered (issue 12.7).
BOOST_AUTO_TEST_CASE(a_new_students_first_message_whose_webhook_was_lost_is_still_answered) {
  testing::chat_service s("catchup_first", [](config::config& cfg) { cfg.service.providers.chatwoot.catchup = 1s; });
  auto c = s.open("+31611120003", "Lotte Jansen", "lotte@example.nl");
  s.chatwoot.sandbox().drop_next_webhooks(1);
  s.say(c, "Hoi", "Waarmee kan ik je helpen");
  BOOST_TEST(s.payments.scalar("SELECT count(*) FROM conversation_events WHERE kind = 'message'") == 1);
  BOOST_TEST(s.payments.scalar("SELECT count(*) FROM conversations WHERE chatwoot_conversation_id = " +
                               std::to_string(c)) == 1);
}

// The bot's conversations come 25 a page, most recent first: a lost first message behind a
// full page of busier conversations is found on a later page.
BOOST_AUTO_TEST_CASE(a_lost_first_message_behind_a_page_of_busier_conversations_is_still_answered) {
  testing::chat_service s("catchup_pages", [](config::config& cfg) { cfg.service.providers.chatwoot.catchup = 1s; });
  auto quiet = s.open("+31611129999", "Stil Student", "stil@example.nl");
  s.chatwoot.sandbox().drop_next_webhooks(1);
  BOOST_REQUIRE(s.chatwoot.sandbox().student_writes(quiet, "Hoi"));
  for (int i = 0; i < 30; ++i) {
    auto busy = s.open("+316111300" + std::to_string(10 + i), "Student " + std::to_string(i),
                       "student" + std::to_string(i) + "@example.nl");
    s.say(busy, "Hoi", "Waarmee kan ik je helpen");
  }
  s.wait_for_bot(quiet, 0, "Waarmee kan ik je helpen");
}

BOOST_AUTO_TEST_CASE(outside_the_24_hour_window_the_approved_template_is_sent) {
  testing::chat_service s("catchup_window");
  auto c = s.open("+31611120002", "Sanne de Vries", "sanne@example.nl");
  s.say(c, "Hoi", "Waarmee kan ik je helpen");
  s.settle();
  // The student wrote 25 hours ago, as far as WhatsApp's window goes.
  s.payments.scalar("UPDATE conversations SET last_incoming_at = now() - interval '25 hours' RETURNING 1");
  s.payments.scalar(
      "INSERT INTO outbox (kind, idempotency_key, payload, ordering_key) VALUES ('chatwoot.message', 'window-test', "
      "json_build_object('conversation_id', " + std::to_string(c) + ", 'content', 'Je les van morgen gaat door.'), "
      "'conversation:" + std::to_string(c) + "') RETURNING 1");
  s.settle();
  bool template_sent = false;
  for (const auto& call : s.chatwoot.sandbox().calls())
    if (call.method == "POST" && call.target.find("/messages") != std::string::npos &&
        call.body.find("template_params") != std::string::npos && call.body.find("tutorbot_update") != std::string::npos)
      template_sent = true;
  BOOST_TEST(template_sent);
  auto t = s.transcript(c);
  BOOST_TEST(t.undelivered.empty(), "WhatsApp refused a message outside the window");
}

BOOST_AUTO_TEST_SUITE_END()
