// The student's side of the Chatwoot sandbox: what the student's WhatsApp shows (the
// transcript), staff actions, and the control routes' errors.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/chatwoot/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::chatwoot_sandbox_fixture;

namespace {

std::string text(const json::value& v) { return std::string(v.as_string()); }

std::string path_of(std::int64_t conversation, const std::string& rest = "") {
  return "/conversations/" + std::to_string(conversation) + rest;
}

json::object menu() {
  json::array items;
  for (const char* t : {"Proefles", "Les boeken", "Mijn lessen"}) items.push_back(json::object{{"title", t}, {"value", t}});
  return json::object{{"items", std::move(items)}};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chatwoot_sandbox_student)

BOOST_FIXTURE_TEST_CASE(the_transcript_shows_what_the_student_sees_with_button_titles, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  bot.post(path_of(c, "/messages"),
           json::object{{"content", "Waarmee kan ik helpen?"}, {"content_type", "input_select"},
                        {"content_attributes", menu()}});
  bot.post(path_of(c, "/messages"), json::object{{"content", "intake: Sanne"}, {"private", true}});
  agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"intake"}}});
  bot.control("POST", path_of(c, "/agent-message"), json::object{{"content", "Hoi Sanne, ik ben Joris"}});

  auto a = bot.control("GET", path_of(c, "/transcript"));
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& messages = a.body.at("messages").as_array();
  BOOST_TEST_REQUIRE(messages.size() == 3u);  // no private note, no activity
  BOOST_TEST(text(messages[0].at("from")) == "student");
  BOOST_TEST(text(messages[0].at("content")) == "hoi");
  BOOST_TEST(text(messages[1].at("from")) == "bot");
  BOOST_TEST(text(messages[1].at("content_type")) == "input_select");
  const auto& options = messages[1].at("options").as_array();
  BOOST_TEST_REQUIRE(options.size() == 3u);
  BOOST_TEST(text(options[0]) == "Proefles");
  BOOST_TEST(text(options[2]) == "Mijn lessen");
  BOOST_TEST(text(messages[2].at("from")) == "agent");
  BOOST_TEST(text(a.body.at("status")) == "pending");
  BOOST_TEST(text(a.body.at("labels").at(0)) == "intake");
  BOOST_TEST(a.body.at("undelivered").as_array().empty());
}

BOOST_FIXTURE_TEST_CASE(messages_whatsapp_refused_are_listed_apart_with_the_reason, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.post(path_of(c, "/messages"), json::object{{"content", "Hallo"}});  // the student never wrote
  auto t = sandbox.transcript(c);
  BOOST_TEST_REQUIRE(t.has_value());
  BOOST_TEST(t->messages.empty());
  BOOST_TEST_REQUIRE(t->undelivered.size() == 1u);
  BOOST_TEST(t->undelivered[0].error == "131047: Re-engagement message");
}

BOOST_FIXTURE_TEST_CASE(staff_can_resolve_a_conversation_from_the_sandbox, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = bot.control("POST", path_of(c, "/status"), json::object{{"status", "resolved"}});
  BOOST_TEST_REQUIRE(a.status == 200);
  BOOST_TEST(text(a.body.at("current_status")) == "resolved");
  BOOST_TEST(sandbox.transcript(c)->status == "resolved");
  BOOST_TEST(bot.control("POST", path_of(c, "/status"), json::object{{"status", "gone"}}).status == 400);
}

BOOST_FIXTURE_TEST_CASE(the_control_routes_refuse_unknown_conversations_and_bad_bodies, chatwoot_sandbox_fixture) {
  BOOST_TEST(bot.control("POST", path_of(42, "/incoming"), json::object{{"content", "hoi"}}).status == 404);
  BOOST_TEST(bot.control("GET", path_of(42, "/transcript")).status == 404);
  const auto c = bot.open_conversation();
  auto a = bot.control("POST", path_of(c, "/incoming"), json::object{{"text", "hoi"}});
  BOOST_TEST(a.status == 400);
  BOOST_TEST(text(a.body.at("error")) == "bad_request");
}

BOOST_FIXTURE_TEST_CASE(conversations_are_listed_with_their_student, chatwoot_sandbox_fixture) {
  bot.open_conversation("+31612345678", "Sanne");
  bot.open_conversation("+32470123456", "Lotte");
  auto a = bot.control("GET", "/conversations");
  BOOST_TEST_REQUIRE(a.body.at("payload").as_array().size() == 2u);
  BOOST_TEST(text(a.body.at("payload").at(1).at("phone_number")) == "+32470123456");
  BOOST_TEST(text(a.body.at("payload").at(1).at("name")) == "Lotte");
}

BOOST_FIXTURE_TEST_CASE(the_clock_knob_moves_the_sandboxs_now, chatwoot_sandbox_fixture) {
  const auto before = sandbox.now();
  auto a = bot.control("POST", "/clock", json::object{{"advance_seconds", 90000}});
  BOOST_TEST_REQUIRE(a.status == 200);
  BOOST_TEST(a.body.at("offset_seconds").as_int64() == 90000);
  BOOST_TEST((sandbox.now() - before) >= std::chrono::seconds(90000));
}

BOOST_AUTO_TEST_SUITE_END()
