// Conversations and contacts through the Chatwoot sandbox's API: labels replaced as a
// whole, status changes with their webhook, the bot handoff's answer, custom attributes
// replaced, contacts merged and validated, and where a student's message lands after the
// conversation was resolved.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/support/chatwoot/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::chatwoot_sandbox_fixture;
using testing::eventually;

namespace {

std::string text(const json::value& v) { return std::string(v.as_string()); }

std::string path_of(std::int64_t conversation, const std::string& rest = "") {
  return "/conversations/" + std::to_string(conversation) + rest;
}

std::vector<std::string> strings(const json::value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.as_array()) out.push_back(text(v));
  return out;
}

std::vector<json::object> webhooks_of(const testing::chatwoot_webhook_receiver& receiver, const std::string& event) {
  std::vector<json::object> out;
  for (const auto& w : receiver.received()) {
    auto body = json::parse(w.body).as_object();
    if (text(body.at("event")) == event) out.push_back(body);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chatwoot_sandbox_conversations)

BOOST_FIXTURE_TEST_CASE(posting_labels_replaces_the_whole_list, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto first = agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"intake", "trial"}}});
  BOOST_TEST_REQUIRE(first.status == 200);
  BOOST_TEST(strings(first.body.at("payload")) == (std::vector<std::string>{"intake", "trial"}));
  auto second = agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"awaiting-payment"}}});
  BOOST_TEST(strings(second.body.at("payload")) == (std::vector<std::string>{"awaiting-payment"}));
  BOOST_TEST(strings(agent.get(path_of(c, "/labels")).body.at("payload")) ==
             (std::vector<std::string>{"awaiting-payment"}));
}

BOOST_FIXTURE_TEST_CASE(labels_drop_blanks_and_duplicates_and_a_missing_list_clears_them,
                        chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"paid", " ", "paid", "booked"}}});
  BOOST_TEST(strings(a.body.at("payload")) == (std::vector<std::string>{"paid", "booked"}));
  auto cleared = agent.post(path_of(c, "/labels"), json::object{});
  BOOST_TEST(cleared.body.at("payload").as_array().empty());
}

BOOST_FIXTURE_TEST_CASE(a_label_change_leaves_an_activity_message, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"paid"}}});
  auto listed = agent.get(path_of(c, "/messages"));
  const auto& last = listed.body.at("payload").as_array().back();
  BOOST_TEST(last.at("message_type").as_int64() == 2);
  BOOST_TEST(text(last.at("content")) == "Sandbox Agent added paid");
}

BOOST_FIXTURE_TEST_CASE(toggle_status_answers_chatwoots_shape_and_fires_status_changed, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = agent.post(path_of(c, "/toggle_status"), json::object{{"status", "resolved"}});
  BOOST_TEST_REQUIRE(a.status == 200);
  BOOST_TEST(a.body.at("meta").as_object().empty());
  BOOST_TEST(a.body.at("payload").at("success").as_bool());
  BOOST_TEST(text(a.body.at("payload").at("current_status")) == "resolved");
  BOOST_TEST(a.body.at("payload").at("conversation_id").as_int64() == c);

  BOOST_TEST_REQUIRE(eventually([&] { return !webhooks_of(receiver, "conversation_status_changed").empty(); }));
  const auto event = webhooks_of(receiver, "conversation_status_changed").front();
  BOOST_TEST(event.at("id").as_int64() == c);
  BOOST_TEST(text(event.at("status")) == "resolved");
  BOOST_TEST(text(event.at("channel")) == "Channel::Whatsapp");
  BOOST_TEST(text(event.at("meta").at("sender").at("phone_number")) == "+31612345678");
}

BOOST_FIXTURE_TEST_CASE(the_bots_handoff_from_pending_to_open_answers_success_null, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  BOOST_TEST(text(bot.get(path_of(c)).body.at("status")) == "pending");
  auto a = bot.post(path_of(c, "/toggle_status"), json::object{{"status", "open"}});
  BOOST_TEST_REQUIRE(a.status == 200);
  BOOST_TEST(a.body.at("payload").at("success").is_null());
  BOOST_TEST(text(a.body.at("payload").at("current_status")) == "open");
}

BOOST_FIXTURE_TEST_CASE(toggle_status_without_a_status_flips_open_and_resolved, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = agent.post(path_of(c, "/toggle_status"), json::object{});
  BOOST_TEST(text(a.body.at("payload").at("current_status")) == "open");  // pending is not open
  auto b = agent.post(path_of(c, "/toggle_status"), json::object{});
  BOOST_TEST(text(b.body.at("payload").at("current_status")) == "resolved");
}

BOOST_FIXTURE_TEST_CASE(an_unknown_status_is_rails_internal_error, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  BOOST_TEST(agent.post(path_of(c, "/toggle_status"), json::object{{"status", "closed"}}).status == 500);
}

BOOST_FIXTURE_TEST_CASE(custom_attributes_are_replaced_not_merged, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.post(path_of(c, "/custom_attributes"), json::object{{"custom_attributes", json::object{{"level", "havo"}}}});
  auto a = bot.post(path_of(c, "/custom_attributes"), json::object{{"custom_attributes", json::object{{"year", 4}}}});
  BOOST_TEST_REQUIRE(a.status == 200);
  BOOST_TEST(json::serialize(a.body.at("custom_attributes")) == R"({"year":4})");
  BOOST_TEST(json::serialize(bot.get(path_of(c)).body.at("custom_attributes")) == R"({"year":4})");
}

BOOST_FIXTURE_TEST_CASE(showing_a_conversation_gives_status_labels_and_the_contact, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation("+31 6 1234 5678", "Sanne de Vries");
  bot.student_writes(c, "hoi");
  agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"intake"}}});
  auto a = bot.get(path_of(c));
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& conv = a.body.as_object();
  BOOST_TEST(conv.at("id").as_int64() == c);
  BOOST_TEST(text(conv.at("status")) == "pending");
  BOOST_TEST(strings(conv.at("labels")) == (std::vector<std::string>{"intake"}));
  BOOST_TEST(text(conv.at("meta").at("sender").at("phone_number")) == "+31612345678");
  BOOST_TEST(text(conv.at("meta").at("sender").at("name")) == "Sanne de Vries");
  BOOST_TEST(text(conv.at("meta").at("channel")) == "Channel::Whatsapp");
  BOOST_TEST(conv.at("account_id").as_int64() == testing::chatwoot_test_account);
  BOOST_TEST(conv.at("can_reply").as_bool());
  BOOST_TEST(conv.at("custom_attributes").as_object().empty());
}

BOOST_FIXTURE_TEST_CASE(a_contact_update_merges_attributes_and_validates, chatwoot_sandbox_fixture) {
  const auto contact = sandbox.open_conversation("+31612345678", "Sanne").contact_id;
  const auto path = "/contacts/" + std::to_string(contact);
  agent.put(path, json::object{{"custom_attributes", json::object{{"level", "havo"}}}});
  auto a = agent.put(path, json::object{{"name", "Sanne de Vries"},
                                        {"email", " Sanne@Example.NL "},
                                        {"custom_attributes", json::object{{"year", "4"}}}});
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& c = a.body.at("payload");
  BOOST_TEST(text(c.at("name")) == "Sanne de Vries");
  BOOST_TEST(text(c.at("email")) == "sanne@example.nl");
  BOOST_TEST(json::serialize(c.at("custom_attributes")) == R"({"level":"havo","year":"4"})");

  auto bad = agent.put(path, json::object{{"phone_number", "0612345678"}});
  BOOST_TEST(bad.status == 422);
  BOOST_TEST(text(bad.body.at("message")) == "Phone number should be in e164 format");
  BOOST_TEST(strings(bad.body.at("attributes")) == (std::vector<std::string>{"phone_number"}));
  BOOST_TEST(agent.put("/contacts/999999", json::object{{"name", "x"}}).status == 404);
}

BOOST_FIXTURE_TEST_CASE(a_student_writing_after_resolution_starts_a_new_pending_conversation,
                        chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  BOOST_TEST(sandbox.set_status(c, "resolved"));
  auto a = bot.control("POST", path_of(c, "/incoming"), json::object{{"content", "nog een vraag"}});
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto next = a.body.at("conversation_id").as_int64();
  BOOST_TEST(next != c);
  BOOST_TEST(text(bot.get(path_of(next)).body.at("status")) == "pending");
  BOOST_TEST(text(bot.get(path_of(c)).body.at("status")) == "resolved");
}

BOOST_AUTO_TEST_CASE(with_the_inbox_locked_to_one_conversation_a_resolved_one_goes_back_to_pending) {
  auto options = testing::chatwoot_sandbox_server::test_options();
  options.lock_to_single_conversation = true;
  testing::chatwoot_sandbox_server server(options);
  auto& sandbox = server.sandbox();
  const auto c = sandbox.open_conversation("+31612345678", "Sanne").conversation_id;
  sandbox.student_writes(c, "hoi");
  sandbox.set_status(c, "resolved");
  auto written = sandbox.student_writes(c, "nog een vraag");
  BOOST_TEST_REQUIRE(written.has_value());
  BOOST_TEST(written->conversation_id == c);
  BOOST_TEST(sandbox.transcript(c)->status == "pending");
}

BOOST_FIXTURE_TEST_CASE(opening_a_conversation_for_a_known_number_returns_its_unresolved_one,
                        chatwoot_sandbox_fixture) {
  auto first = bot.control("POST", "/conversations", json::object{{"phone", "+31612345678"}, {"name", "Sanne"}});
  BOOST_TEST(first.status == 201);
  auto again = bot.control("POST", "/conversations", json::object{{"phone", "31612345678"}, {"name", "Sanne"}});
  BOOST_TEST(again.status == 200);
  BOOST_TEST(again.body.at("conversation_id") == first.body.at("conversation_id"));
  BOOST_TEST(again.body.at("created").as_bool() == false);
  BOOST_TEST(bot.control("POST", "/conversations", json::object{{"phone", "hello"}}).status == 400);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(chatwoot_sandbox_conversation_list_and_faults)

BOOST_FIXTURE_TEST_CASE(the_conversation_list_shows_a_status_most_recent_first_and_is_not_for_bots,
                        chatwoot_sandbox_fixture) {
  const auto older = bot.open_conversation();
  const auto newer = bot.open_conversation("+31622222222");
  sandbox.advance_clock(std::chrono::seconds(5));
  BOOST_REQUIRE(sandbox.student_writes(newer, "Hoi"));
  auto listed = agent.get("/conversations?status=pending&page=1");
  BOOST_TEST_REQUIRE(listed.status == 200);
  const auto& payload = listed.body.at("data").at("payload").as_array();
  BOOST_REQUIRE(payload.size() == 2u);
  BOOST_TEST(payload[0].at("id").as_int64() == newer);
  BOOST_TEST(payload[1].at("id").as_int64() == older);
  BOOST_TEST(agent.get("/conversations?status=open").body.at("data").at("payload").as_array().empty());
  BOOST_TEST(bot.get("/conversations?status=pending").status == 401);
}

BOOST_FIXTURE_TEST_CASE(failures_answer_without_effect_and_latency_delays_an_applied_call, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  sandbox.fail_next(2, 429);
  BOOST_TEST(agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"paid"}}}).status == 429);
  BOOST_TEST(agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"paid"}}}).status == 429);
  BOOST_TEST(strings(agent.get(path_of(c, "/labels")).body.at("payload")).empty());
  sandbox.set_latency(std::chrono::milliseconds(300));
  const auto asked = std::chrono::steady_clock::now();
  BOOST_TEST(agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"paid"}}}).status == 200);
  BOOST_TEST((std::chrono::steady_clock::now() - asked >= std::chrono::milliseconds(300)));
}

BOOST_AUTO_TEST_SUITE_END()
