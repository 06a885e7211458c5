// Every message reaches the student on a Chatwoot as it is really deployed (issue 14): with
// an agent bot's token that Chatwoot refuses on labels, message lists and contacts; with
// WhatsApp refusing messages outside the 24-hour window or to a number that is gone; with a
// photo that carries its question in the caption. tutorbot in-process against the sandboxes
// and PostgreSQL, as in conversation_journeys_test.cpp.
#include <chrono>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/integration/api/chat_journeys.hpp"
#include "tests/integration/api/chat_service.hpp"

using namespace tutorbot;
using namespace std::chrono_literals;
using namespace testing::journeys;
using testing::chat_service;
namespace json = boost::json;

namespace {

const std::string handoff_text = "Ik geef je door aan een medewerker";
const std::string bots_refused = "Access to this endpoint is not authorized for bots";

// The bot's messages and private notes as the sandbox received them.
std::vector<std::string> posted_notes(chat_service& s, std::int64_t conversation) {
  std::vector<std::string> notes;
  const auto path = "/conversations/" + std::to_string(conversation) + "/messages";
  for (const auto& call : s.chatwoot.sandbox().calls()) {
    if (call.method != "POST" || call.target.find(path) == std::string::npos || call.status != 200) continue;
    auto body = json::parse(call.body).as_object();
    if (const auto* p = body.if_contains("private"); p && p->is_bool() && p->as_bool())
      notes.emplace_back(body.at("content").as_string());
  }
  return notes;
}

std::size_t delivered_containing(chat_service& s, std::int64_t conversation, const std::string& text) {
  std::size_t n = 0;
  for (const auto& l : s.transcript(conversation).messages)
    if (l.from == "bot" && l.content.find(text) != std::string::npos) ++n;
  return n;
}

std::size_t refused_containing(chat_service& s, std::int64_t conversation, const std::string& text) {
  std::size_t n = 0;
  for (const auto& l : s.transcript(conversation).undelivered)
    if (l.content.find(text) != std::string::npos) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(conversation_delivery)

BOOST_AUTO_TEST_CASE(with_a_bot_only_token_every_message_arrives_and_the_labels_are_parked_with_their_reason) {
  chat_service s("delivery_bot_token", [](config::config& cfg) { cfg.service.providers.chatwoot.user_token = {}; });
  auto c = s.open("+31611120001", "Sanne de Vries", "sanne@example.nl", chat_service::known_student());
  auto link = up_to_payment_link(s, c);  // the menu, the intake, the choices, the link
  auto before = s.bot_lines(c).size();
  BOOST_REQUIRE(s.payments.stripe_http.press(chat_service::session_in(link), "pay").status == 200);
  s.wait_for_bot(c, before, confirmed_text);
  // The hand-off text comes at once, not behind a label call that can never succeed.
  before = s.bot_lines(c).size();
  BOOST_REQUIRE(s.chatwoot.sandbox().student_writes(c, "Medewerker"));
  s.wait_for_bot(c, before, handoff_text, std::chrono::seconds(10));
  s.payments.wait_until([&] { return s.transcript(c).status == "open"; }, "the conversation is open for staff");
  s.settle();

  BOOST_TEST(s.transcript(c).labels.empty());  // Chatwoot refused every label call
  BOOST_TEST(s.scalar("SELECT count(*) FROM outbox WHERE kind = 'chatwoot.labels' AND gave_up_at IS NULL") == 0);
  BOOST_TEST(s.scalar("SELECT count(*) FROM outbox WHERE kind = 'chatwoot.labels' AND gave_up_at IS NOT NULL AND "
                      "attempts = 1 AND last_error LIKE '%" + bots_refused + "%'") >= 3);
  BOOST_TEST(s.scalar("SELECT count(*) FROM outbox WHERE kind = 'chatwoot.message' AND gave_up_at IS NOT NULL") == 0);

  auto parked = s.payments.api("GET", "/api/v1/ops/parked");
  BOOST_REQUIRE_MESSAGE(parked.status == 200, parked.body);
  const auto outbox = json::parse(parked.body).at("outbox").as_array();
  std::size_t labels_listed = 0;
  for (const auto& row : outbox) {
    const auto& o = row.as_object();
    if (o.at("kind").as_string() != "chatwoot.labels") continue;
    ++labels_listed;
    BOOST_TEST(o.at("conversation_id").as_int64() == c);
    BOOST_TEST(std::string(o.at("last_error").as_string()).find(bots_refused) != std::string::npos);
  }
  BOOST_TEST(labels_listed >= 3u);
}

BOOST_AUTO_TEST_CASE(a_message_whatsapp_refused_outside_the_window_reaches_the_student_once_as_the_template) {
  chat_service s("delivery_window");
  auto c = s.open("+31611120002", "Sanne de Vries", "sanne@example.nl", chat_service::known_student());
  auto link = up_to_payment_link(s, c);
  // A day passes on WhatsApp's side that tutorbot's own record does not see (the student
  // wrote last on another device, a clock runs apart): its plain confirmation is refused.
  s.chatwoot.sandbox().advance_clock(25h);
  BOOST_REQUIRE(s.payments.stripe_http.press(chat_service::session_in(link), "pay").status == 200);
  s.payments.wait_until([&] { return delivered_containing(s, c, confirmed_text) == 1; },
                        "the confirmation reaches the student as the template");
  s.settle();
  BOOST_TEST(refused_containing(s, c, confirmed_text) == 1u);
  BOOST_TEST(delivered_containing(s, c, confirmed_text) == 1u);
  // Every refused message went out again once, as the template, and nothing else failed.
  const auto t = s.transcript(c);
  for (const auto& refused : t.undelivered) {
    BOOST_TEST(refused.error == "131047: Re-engagement message");
    BOOST_TEST(delivered_containing(s, c, refused.content) == 1u, refused.content);
  }
  std::size_t templates = 0;
  for (const auto& call : s.chatwoot.sandbox().calls())
    if (call.method == "POST" && call.target.ends_with("/messages") && call.body.find("template_params") != std::string::npos)
      ++templates;
  BOOST_TEST(templates == t.undelivered.size());
  BOOST_TEST(s.transcript(c).status == "pending");  // the bot goes on: nothing for staff
}

BOOST_AUTO_TEST_CASE(a_refusal_that_no_template_mends_becomes_a_note_a_label_and_a_handoff) {
  chat_service s("delivery_gone");
  auto c = s.open("+31611120003", "Sanne de Vries", "sanne@example.nl", chat_service::known_student());
  s.say(c, "Hoi", menu_text);
  BOOST_REQUIRE(s.chatwoot.sandbox().make_undeliverable(c));
  BOOST_REQUIRE(s.chatwoot.sandbox().student_writes(c, "Les boeken"));
  s.payments.wait_until([&] { return s.has_label(c, "delivery-failed"); }, "the conversation is labelled delivery-failed");
  s.payments.wait_until([&] { return s.transcript(c).status == "open"; }, "the conversation is open for staff");
  s.settle();
  BOOST_TEST(s.has_label(c, "handoff"));
  BOOST_TEST(s.scalar("SELECT count(*) FROM conversations WHERE handed_off") == 1);
  bool noted = false;
  for (const auto& note : posted_notes(s, c))
    noted |= note.find("131026: Message undeliverable") != std::string::npos && note.find("Dit heb ik al van je") != std::string::npos;
  BOOST_TEST(noted, "no private note names the refusal and the message");
  // The bot does not wait for an answer that cannot come, nor try again: every refused message
  // is one it said once.
  const auto t = s.transcript(c);
  BOOST_TEST(refused_containing(s, c, "Dit heb ik al van je") == 1u);
  BOOST_TEST(refused_containing(s, c, handoff_text) == 0u);
  for (const auto& refused : t.undelivered) BOOST_TEST(refused.error == "131026: Message undeliverable");
}

BOOST_AUTO_TEST_CASE(a_photo_with_a_caption_is_answered_as_its_caption_and_one_without_gets_the_polite_answer) {
  chat_service s("delivery_photo");
  auto c = s.open("+31611120004", "Sanne de Vries", "sanne@example.nl", chat_service::known_student());
  s.say(c, "Hoi", menu_text);
  auto before = s.bot_lines(c).size();
  BOOST_REQUIRE(s.chatwoot.sandbox().student_sends(c, "image", "Les boeken"));
  s.wait_for_bot(c, before, "Dit heb ik al van je");
  s.payments.wait_until(
      [&] {
        for (const auto& note : posted_notes(s, c))
          if (note.find("bijlage (image)") != std::string::npos) return true;
        return false;
      },
      "staff hear of the photo");
  before = s.bot_lines(c).size();
  BOOST_REQUIRE(s.chatwoot.sandbox().student_sends(c, "image", ""));
  s.wait_for_bot(c, before, "Ik kan alleen tekstberichten lezen");
}

BOOST_AUTO_TEST_SUITE_END()
