// Messages through the Chatwoot sandbox's API: the create answer's shape, the list's order
// and paging, the builder's refusals, and the WhatsApp delivery failures Meta causes.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/chatwoot/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::chatwoot_sandbox_fixture;

namespace {

std::string text(const json::value& v) { return std::string(v.as_string()); }

std::string messages_of(std::int64_t conversation, const std::string& query = "") {
  return "/conversations/" + std::to_string(conversation) + "/messages" + query;
}

json::object buttons(std::initializer_list<std::string> titles) {
  json::array items;
  for (const auto& t : titles) items.push_back(json::object{{"title", t}, {"value", t}});
  return json::object{{"items", std::move(items)}};
}

// The message as GET …/messages lists it now.
json::object listed(const testing::chatwoot_api& agent, std::int64_t conversation, std::int64_t id) {
  auto a = agent.get(messages_of(conversation));
  for (const auto& m : a.body.at("payload").as_array())
    if (m.at("id").as_int64() == id) return m.as_object();
  throw std::runtime_error("message " + std::to_string(id) + " not listed");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chatwoot_sandbox_messages)

BOOST_FIXTURE_TEST_CASE(creating_a_message_answers_it_with_an_integer_message_type, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  auto a = bot.post(messages_of(c), json::object{{"content", "Welkom!"}, {"message_type", "outgoing"},
                                                 {"private", false}, {"content_type", "text"}});
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& m = a.body.as_object();
  BOOST_TEST(m.at("id").as_int64() > 0);
  BOOST_TEST(text(m.at("content")) == "Welkom!");
  BOOST_TEST(m.at("message_type").as_int64() == 1);
  BOOST_TEST(m.at("conversation_id").as_int64() == c);
  BOOST_TEST(text(m.at("content_type")) == "text");
  BOOST_TEST(text(m.at("status")) == "sent");
  BOOST_TEST(m.at("private").as_bool() == false);
  BOOST_TEST(m.at("created_at").is_int64());
  BOOST_TEST(text(m.at("sender").at("type")) == "agent_bot");
  BOOST_TEST(a.header("Content-Type").find("application/json") == 0u);
}

BOOST_FIXTURE_TEST_CASE(message_type_defaults_to_outgoing, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = bot.post(messages_of(c), json::object{{"content", "Hallo"}});
  BOOST_TEST(a.body.at("message_type").as_int64() == 1);
}

BOOST_FIXTURE_TEST_CASE(an_incoming_message_through_the_api_is_refused_for_whatsapp, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = bot.post(messages_of(c), json::object{{"content", "x"}, {"message_type", "incoming"}});
  BOOST_TEST(a.status == 422);
  BOOST_TEST(text(a.body.at("error")) == "Incoming messages are only allowed in Api inboxes");
}

BOOST_FIXTURE_TEST_CASE(an_unknown_content_type_is_refused, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = bot.post(messages_of(c), json::object{{"content", "x"}, {"content_type", "buttons"}});
  BOOST_TEST(a.status == 422);
  BOOST_TEST(text(a.body.at("error")) == "'buttons' is not a valid content_type");
}

BOOST_FIXTURE_TEST_CASE(input_select_needs_items_with_only_title_and_value, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto none = bot.post(messages_of(c), json::object{{"content", "Kies"}, {"content_type", "input_select"}});
  BOOST_TEST(none.status == 422);
  BOOST_TEST(text(none.body.at("error")) == "Validation failed: Content attributes At least one item is required.");
  json::object bad_items{{"items", json::array{json::object{{"title", "a"}, {"id", "1"}}}}};
  auto extra = bot.post(messages_of(c), json::object{{"content", "Kies"}, {"content_type", "input_select"},
                                                     {"content_attributes", bad_items}});
  BOOST_TEST(extra.status == 422);
  BOOST_TEST(text(extra.body.at("error")).find("invalid keys for items : [:id]") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(the_list_is_in_ascending_id_order_and_includes_private_notes, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  const auto first = bot.student_writes(c, "hoi");
  bot.post(messages_of(c), json::object{{"content", "Welkom!"}});
  bot.post(messages_of(c), json::object{{"content", "intake: Sanne, havo 4"}, {"private", true}});
  auto a = agent.get(messages_of(c));
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& payload = a.body.at("payload").as_array();
  BOOST_TEST_REQUIRE(payload.size() == 3u);
  BOOST_TEST(payload[0].at("id").as_int64() == first);
  BOOST_TEST(payload[0].at("message_type").as_int64() == 0);
  BOOST_TEST(text(payload[0].at("sender").at("phone_number")) == "+31612345678");
  BOOST_TEST(payload[1].at("id").as_int64() < payload[2].at("id").as_int64());
  BOOST_TEST(payload[2].at("private").as_bool());
  BOOST_TEST(a.body.at("meta").at("contact").at("id").is_int64());
  BOOST_TEST(a.body.at("meta").at("labels").as_array().empty());
}

BOOST_FIXTURE_TEST_CASE(after_lists_the_later_messages_and_before_the_twenty_earlier_ones,
                        chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 25; ++i) ids.push_back(bot.student_writes(c, "bericht " + std::to_string(i)));

  auto latest = agent.get(messages_of(c));
  BOOST_TEST_REQUIRE(latest.body.at("payload").as_array().size() == 20u);  // the latest 20
  BOOST_TEST(latest.body.at("payload").at(0).at("id").as_int64() == ids[5]);

  auto after = agent.get(messages_of(c, "?after=" + std::to_string(ids[21])));
  BOOST_TEST_REQUIRE(after.body.at("payload").as_array().size() == 3u);
  BOOST_TEST(after.body.at("payload").at(0).at("id").as_int64() == ids[22]);

  auto before = agent.get(messages_of(c, "?before=" + std::to_string(ids[24])));
  const auto& page = before.body.at("payload").as_array();
  BOOST_TEST_REQUIRE(page.size() == 20u);
  BOOST_TEST(page.front().at("id").as_int64() == ids[4]);
  BOOST_TEST(page.back().at("id").as_int64() == ids[23]);
}

BOOST_FIXTURE_TEST_CASE(free_text_more_than_24_hours_after_the_student_fails_at_whatsapp,
                        chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  sandbox.advance_clock(std::chrono::hours(25));
  auto a = bot.post(messages_of(c), json::object{{"content", "Herinnering: morgen les"}});
  BOOST_TEST_REQUIRE(a.status == 200);  // accepted: WhatsApp refuses it afterwards
  BOOST_TEST(text(a.body.at("status")) == "sent");
  const auto m = listed(agent, c, a.body.at("id").as_int64());
  BOOST_TEST(text(m.at("status")) == "failed");
  BOOST_TEST(text(m.at("content_attributes").at("external_error")) == "131047: Re-engagement message");
  BOOST_TEST(bot.get("/conversations/" + std::to_string(c)).body.at("can_reply").as_bool() == false);
}

BOOST_FIXTURE_TEST_CASE(a_template_message_is_delivered_outside_the_24_hour_window, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  sandbox.advance_clock(std::chrono::hours(25));
  json::object template_params{{"name", "lesson_reminder"},
                               {"category", "UTILITY"},
                               {"language", "nl"},
                               {"processed_params", json::object{{"body", json::object{{"1", "di 12 mrt 16:00"}}}}}};
  auto a = bot.post(messages_of(c), json::object{{"content", "Herinnering: di 12 mrt 16:00"},
                                                 {"template_params", template_params}});
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto m = listed(agent, c, a.body.at("id").as_int64());
  BOOST_TEST(text(m.at("status")) == "sent");
  auto transcript = sandbox.transcript(c);
  BOOST_TEST_REQUIRE(transcript->messages.size() == 2u);
  BOOST_TEST(transcript->messages[1].content == "Herinnering: di 12 mrt 16:00");
}

BOOST_FIXTURE_TEST_CASE(buttons_whatsapp_cannot_render_fail_after_being_accepted, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  auto long_title = bot.post(messages_of(c), json::object{{"content", "Kies"},
                                                          {"content_type", "input_select"},
                                                          {"content_attributes", buttons({"Proefles (helemaal gratis)", "Les"})}});
  BOOST_TEST_REQUIRE(long_title.status == 200);
  auto fine = bot.post(messages_of(c), json::object{{"content", "Kies"},
                                                    {"content_type", "input_select"},
                                                    {"content_attributes", buttons({"Proefles", "Les boeken"})}});
  BOOST_TEST(text(listed(agent, c, long_title.body.at("id").as_int64()).at("status")) == "failed");
  BOOST_TEST(text(listed(agent, c, fine.body.at("id").as_int64()).at("status")) == "sent");
}

BOOST_FIXTURE_TEST_CASE(a_private_note_never_fails_at_whatsapp, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();  // no student message yet: no window
  auto a = bot.post(messages_of(c), json::object{{"content", "intake"}, {"private", true}});
  BOOST_TEST(text(listed(agent, c, a.body.at("id").as_int64()).at("status")) == "sent");
}

BOOST_AUTO_TEST_SUITE_END()
