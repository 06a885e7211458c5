// Who may call what on the Chatwoot sandbox, answered as Chatwoot answers it: devise's
// sign-in error without a token, "Invalid Access Token" for an unknown one, the agent bot
// kept to its allowed endpoints, 404 for another account or an unknown conversation.
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

}  // namespace

BOOST_AUTO_TEST_SUITE(chatwoot_sandbox_auth)

BOOST_FIXTURE_TEST_CASE(a_request_without_a_token_gets_devise_sign_in_error, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = bot.with_token("").post(path_of(c, "/messages"), json::object{{"content", "hoi"}});
  BOOST_TEST(a.status == 401);
  BOOST_TEST(text(a.body.at("errors").at(0)) == "You need to sign in or sign up before continuing.");
}

BOOST_FIXTURE_TEST_CASE(an_unknown_token_gets_invalid_access_token, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = bot.with_token("not-a-token").post(path_of(c, "/messages"), json::object{{"content", "hoi"}});
  BOOST_TEST(a.status == 401);
  BOOST_TEST(a.text == R"({"error":"Invalid Access Token"})");
}

BOOST_FIXTURE_TEST_CASE(the_bot_token_may_not_list_messages, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = bot.get(path_of(c, "/messages"));
  BOOST_TEST(a.status == 401);
  BOOST_TEST(text(a.body.at("error")) == "Access to this endpoint is not authorized for bots");
  BOOST_TEST(agent.get(path_of(c, "/messages")).status == 200);
}

BOOST_FIXTURE_TEST_CASE(the_bot_token_may_not_update_a_contact, chatwoot_sandbox_fixture) {
  const auto contact = sandbox.open_conversation("+31612345678", "Sanne").contact_id;
  auto refused = bot.put("/contacts/" + std::to_string(contact), json::object{{"email", "sanne@example.nl"}});
  BOOST_TEST(refused.status == 401);
  BOOST_TEST(text(refused.body.at("error")) == "Access to this endpoint is not authorized for bots");
  auto accepted = agent.put("/contacts/" + std::to_string(contact), json::object{{"email", "sanne@example.nl"}});
  BOOST_TEST(accepted.status == 200);
  BOOST_TEST(text(accepted.body.at("payload").at("email")) == "sanne@example.nl");
}

BOOST_FIXTURE_TEST_CASE(the_bot_token_may_not_read_or_set_labels, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  for (auto answer : {bot.get(path_of(c, "/labels")),
                      bot.post(path_of(c, "/labels"), json::object{{"labels", json::array{"intake"}}})}) {
    BOOST_TEST(answer.status == 401);
    BOOST_TEST(text(answer.body.at("error")) == "Access to this endpoint is not authorized for bots");
  }
  BOOST_TEST(agent.post(path_of(c, "/labels"), json::object{{"labels", json::array{"intake"}}}).status == 200);
}

BOOST_FIXTURE_TEST_CASE(the_bot_token_reaches_the_endpoints_chatwoot_allows_bots, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  BOOST_TEST(bot.get(path_of(c)).status == 200);
  BOOST_TEST(bot.post(path_of(c, "/messages"), json::object{{"content", "Hallo!"}}).status == 200);
  BOOST_TEST(bot.post(path_of(c, "/custom_attributes"), json::object{{"custom_attributes", json::object{}}}).status ==
             200);
  BOOST_TEST(bot.post(path_of(c, "/toggle_status"), json::object{{"status", "open"}}).status == 200);
}

BOOST_FIXTURE_TEST_CASE(another_account_id_is_not_found, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = agent.with_account(testing::chatwoot_test_account + 1).get(path_of(c));
  BOOST_TEST(a.status == 404);
  BOOST_TEST(a.text == R"({"error":"Resource could not be found"})");
}

BOOST_FIXTURE_TEST_CASE(an_unknown_or_malformed_conversation_is_not_found, chatwoot_sandbox_fixture) {
  bot.open_conversation();
  BOOST_TEST(bot.post(path_of(999, "/messages"), json::object{{"content", "x"}}).status == 404);
  BOOST_TEST(text(bot.get("/conversations/abc").body.at("error")) == "Resource could not be found");
}

BOOST_FIXTURE_TEST_CASE(the_token_is_checked_before_the_account, chatwoot_sandbox_fixture) {
  auto a = bot.with_token("wrong").with_account(999).get(path_of(1));
  BOOST_TEST(a.status == 401);
}

BOOST_FIXTURE_TEST_CASE(a_body_that_is_not_json_is_a_bad_request, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = bot.raw("POST", "/api/v1/accounts/3/conversations/" + std::to_string(c) + "/messages", "{not json",
                   "api_access_token: " + testing::chatwoot_test_bot_token + "\r\nContent-Type: application/json\r\n");
  BOOST_TEST(a.status == 400);
}

BOOST_AUTO_TEST_CASE(one_token_given_as_both_writes_as_the_bot_with_an_agents_reach) {
  auto options = testing::chatwoot_sandbox_server::test_options();
  options.user_token = options.bot_token;  // `tutorbot sandbox` without CHATWOOT_USER_TOKEN
  testing::chatwoot_sandbox_server server(options);
  testing::chatwoot_api api(server.port(), testing::chatwoot_test_account, options.bot_token);
  const auto c = api.open_conversation();
  BOOST_TEST(api.get(path_of(c, "/messages")).status == 200);
  const auto contact = server.sandbox().open_conversation("+31612345678", "Sanne").contact_id;
  BOOST_TEST(api.put("/contacts/" + std::to_string(contact), json::object{{"name", "Sanne de Vries"}}).status == 200);
  auto sent = api.post(path_of(c, "/messages"), json::object{{"content", "Hoi"}});
  BOOST_TEST(text(sent.body.at("sender").at("type")) == "agent_bot");
}

BOOST_FIXTURE_TEST_CASE(every_api_call_is_recorded_with_its_answer, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.post(path_of(c, "/messages"), json::object{{"content", "Hallo!"}});
  bot.with_token("wrong").get(path_of(c));
  auto listed = bot.control("GET", "/calls");
  BOOST_TEST_REQUIRE(listed.status == 200);
  const auto& calls = listed.body.at("calls").as_array();
  BOOST_TEST_REQUIRE(calls.size() == 2u);
  BOOST_TEST(text(calls[0].at("method")) == "POST");
  BOOST_TEST(text(calls[0].at("path")) == "/api/v1/accounts/3/conversations/" + std::to_string(c) + "/messages");
  BOOST_TEST(text(calls[0].at("body")) == R"({"content":"Hallo!"})");
  BOOST_TEST(calls[0].at("status").as_int64() == 200);
  BOOST_TEST(text(calls[0].at("token")) == "bot");
  BOOST_TEST(calls[1].at("status").as_int64() == 401);
  BOOST_TEST(text(calls[1].at("token")) == "invalid");
  BOOST_TEST(sandbox.calls().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
