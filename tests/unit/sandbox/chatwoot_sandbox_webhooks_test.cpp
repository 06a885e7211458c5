// The webhooks the Chatwoot sandbox sends tutorbot: a student's message as a real-shaped
// message_created, the bot's own messages too, the signature, one attempt and no retry,
// the failing bot's handoff to humans, and the knobs (drop, the old sender shape).
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "net/crypto.hpp"
#include "tests/support/chatwoot/fixture.hpp"

using namespace tutorbot;
namespace json = boost::json;
using testing::chatwoot_sandbox_fixture;
using testing::eventually;

namespace {

std::string text(const json::value& v) { return std::string(v.as_string()); }

json::object body_of(const testing::received_chatwoot_webhook& w) { return json::parse(w.body).as_object(); }

std::string messages_of(std::int64_t conversation) {
  return "/conversations/" + std::to_string(conversation) + "/messages";
}

bool delivery_finished(const sandbox::chatwoot_sandbox& s, std::size_t index) {
  auto d = s.deliveries();
  return d.size() > index && (d[index].outcome == "delivered" || d[index].outcome == "failed");
}

// 429 and 500 are retried with short pauses here (Chatwoot: 3 s).
testing::chatwoot_sandbox_server quick_retrying_sandbox(const testing::chatwoot_webhook_receiver& receiver) {
  auto options = testing::chatwoot_sandbox_server::test_options(receiver.url());
  options.webhook_retry_delay = std::chrono::milliseconds(100);
  return testing::chatwoot_sandbox_server(options);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chatwoot_sandbox_webhooks)

BOOST_FIXTURE_TEST_CASE(a_student_message_arrives_as_a_real_shaped_message_created, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation("+31612345678", "Sanne de Vries");
  const auto id = bot.student_writes(c, "Ik wil een proefles");
  const auto received = receiver.wait_for(1);
  BOOST_TEST_REQUIRE(received.size() == 1u);
  const auto w = body_of(received[0]);
  BOOST_TEST(text(w.at("event")) == "message_created");
  BOOST_TEST(w.at("id").as_int64() == id);
  BOOST_TEST(text(w.at("content")) == "Ik wil een proefles");
  BOOST_TEST(text(w.at("message_type")) == "incoming");
  BOOST_TEST(w.at("private").as_bool() == false);
  BOOST_TEST(text(w.at("content_type")) == "text");
  BOOST_TEST(text(w.at("source_id")).starts_with("wamid."));
  BOOST_TEST(w.at("account").at("id").as_int64() == testing::chatwoot_test_account);
  // The full contact as sender (no "type" in Contact#webhook_data).
  const auto& sender = w.at("sender").as_object();
  BOOST_TEST(text(sender.at("phone_number")) == "+31612345678");
  BOOST_TEST(text(sender.at("name")) == "Sanne de Vries");
  BOOST_TEST(sender.at("custom_attributes").is_object());
  BOOST_TEST(sender.at("email").is_null());
  BOOST_TEST(!sender.contains("type"));
  const auto& conv = w.at("conversation").as_object();
  BOOST_TEST(conv.at("id").as_int64() == c);
  BOOST_TEST(text(conv.at("channel")) == "Channel::Whatsapp");
  BOOST_TEST(text(conv.at("status")) == "pending");
  BOOST_TEST(text(conv.at("contact_inbox").at("source_id")) == "31612345678");
  BOOST_TEST(text(conv.at("meta").at("sender").at("phone_number")) == "+31612345678");
  BOOST_TEST(text(conv.at("meta").at("sender").at("type")) == "contact");
  BOOST_TEST_REQUIRE(conv.at("messages").as_array().size() == 1u);
  BOOST_TEST(conv.at("messages").at(0).at("message_type").as_int64() == 0);  // an integer in here
  BOOST_TEST(conv.at("messages").at(0).at("id").as_int64() == id);
  BOOST_TEST(received[0].content_type == "application/json");
}

BOOST_FIXTURE_TEST_CASE(the_webhook_carries_the_token_and_a_signature_that_verifies, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  const auto received = receiver.wait_for(1);
  BOOST_TEST_REQUIRE(received.size() == 1u);
  const auto& w = received[0];
  BOOST_TEST(w.token == testing::chatwoot_test_webhook_token);
  BOOST_TEST(!w.timestamp.empty());
  BOOST_TEST(!w.delivery.empty());
  const auto expected =
      "sha256=" + net::hmac_sha256_hex(testing::chatwoot_test_signing_secret, w.timestamp + "." + w.body);
  BOOST_TEST(w.signature == expected);
  const auto age = std::chrono::system_clock::now().time_since_epoch() - std::chrono::seconds(std::stoll(w.timestamp));
  BOOST_TEST(std::chrono::abs(std::chrono::duration_cast<std::chrono::seconds>(age)).count() < 60);
}

BOOST_AUTO_TEST_CASE(without_a_signing_secret_the_webhook_is_unsigned) {
  testing::chatwoot_webhook_receiver receiver;
  auto options = testing::chatwoot_sandbox_server::test_options(receiver.url());
  options.signing_secret.clear();
  testing::chatwoot_sandbox_server server(options);
  const auto c = server.sandbox().open_conversation("+31612345678", "Sanne").conversation_id;
  server.sandbox().student_writes(c, "hoi");
  const auto received = receiver.wait_for(1);
  BOOST_TEST_REQUIRE(received.size() == 1u);
  BOOST_TEST(received[0].signature.empty());
  BOOST_TEST(received[0].token == testing::chatwoot_test_webhook_token);
}

BOOST_FIXTURE_TEST_CASE(the_bots_own_messages_come_back_as_outgoing_and_notes_as_private, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  bot.post(messages_of(c), json::object{{"content", "Welkom!"}});
  bot.post(messages_of(c), json::object{{"content", "intake"}, {"private", true}});
  const auto received = receiver.wait_for(3);
  BOOST_TEST_REQUIRE(received.size() == 3u);
  const auto reply = body_of(received[1]);
  BOOST_TEST(text(reply.at("message_type")) == "outgoing");
  BOOST_TEST(reply.at("private").as_bool() == false);
  BOOST_TEST(text(reply.at("sender").at("type")) == "agent_bot");
  const auto note = body_of(received[2]);
  BOOST_TEST(text(note.at("message_type")) == "outgoing");
  BOOST_TEST(note.at("private").as_bool());
}

BOOST_FIXTURE_TEST_CASE(an_agents_message_comes_as_outgoing_from_a_user, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  auto a = bot.control("POST", "/conversations/" + std::to_string(c) + "/agent-message",
                       json::object{{"content", "Ik neem het over"}});
  BOOST_TEST_REQUIRE(a.status == 200);
  // The reply also opens the conversation (conversation_status_changed), delivered on its own
  // connection: the two may arrive in either order.
  std::vector<json::object> created;
  BOOST_TEST_REQUIRE(eventually([&] {
    created.clear();
    for (const auto& r : receiver.wait_for(1))
      if (auto b = body_of(r); text(b.at("event")) == "message_created") created.push_back(std::move(b));
    return !created.empty();
  }));
  std::string seen;
  for (const auto& r : receiver.wait_for(1)) seen += r.body.substr(0, 400) + "\n";
  BOOST_TEST_REQUIRE(created.size() == 1u, seen);
  const auto& w = created[0];
  BOOST_TEST(text(w.at("message_type")) == "outgoing");
  BOOST_TEST(text(w.at("sender").at("type")) == "user");
  BOOST_TEST(w.at("id") == a.body.at("message_id"));
}

BOOST_FIXTURE_TEST_CASE(a_delivery_failed_otherwise_than_429_or_500_is_never_retried_and_the_conversation_opens_for_humans,
                        chatwoot_sandbox_fixture) {
  receiver.fail_next(1, 502);
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  BOOST_TEST_REQUIRE(eventually([&] { return delivery_finished(sandbox, 0); }));
  const auto first = sandbox.deliveries().at(0);
  BOOST_TEST(first.outcome == "failed");
  BOOST_TEST(first.status == 502);
  BOOST_TEST(first.attempts == 1);

  // The failure hands the conversation to humans, which is itself a webhook; the one
  // after it arrives, and nothing in between is the first one again.
  BOOST_TEST_REQUIRE(eventually([&] { return sandbox.transcript(c)->status == "open"; }));
  bot.student_writes(c, "hallo?");
  BOOST_TEST_REQUIRE(eventually([&] { return delivery_finished(sandbox, 2); }));
  const auto received = receiver.received();
  BOOST_TEST_REQUIRE(received.size() == 3u);
  BOOST_TEST(text(body_of(received[1]).at("event")) == "conversation_status_changed");
  BOOST_TEST(text(body_of(received[1]).at("status")) == "open");
  BOOST_TEST(text(body_of(received[2]).at("content")) == "hallo?");
  const auto deliveries = sandbox.deliveries();
  BOOST_TEST(deliveries.size() == 3u);
  // The handoff leaves an activity message for the agents.
  auto listed = agent.get(messages_of(c));
  bool noted = false;
  for (const auto& m : listed.body.at("payload").as_array())
    noted = noted || m.at("message_type").as_int64() == 2;
  BOOST_TEST(noted);
}

// Chatwoot 4.12 and later: 429 and 500 are retried, three attempts in all, with the same
// X-Chatwoot-Delivery id; after the last one the conversation goes to humans.
BOOST_AUTO_TEST_CASE(answers_of_429_and_500_are_retried_three_times_with_the_same_delivery_id) {
  testing::chatwoot_webhook_receiver receiver;
  auto server = quick_retrying_sandbox(receiver);
  auto& sandbox = server.sandbox();
  receiver.fail_next(2, 500);
  const auto c = sandbox.open_conversation("+31612345678", "Sanne").conversation_id;
  sandbox.student_writes(c, "hoi");
  BOOST_TEST_REQUIRE(eventually([&] { return delivery_finished(sandbox, 0); }));
  auto d = sandbox.deliveries().at(0);
  BOOST_TEST(d.outcome == "delivered");
  BOOST_TEST(d.attempts == 3);
  auto received = receiver.received();
  BOOST_REQUIRE(received.size() == 3u);
  BOOST_TEST(received[0].delivery == received[2].delivery);
  BOOST_TEST(!received[0].delivery.empty());
  BOOST_TEST(sandbox.transcript(c)->status == "pending");

  receiver.fail_next(3, 429);
  sandbox.student_writes(c, "hallo?");
  BOOST_TEST_REQUIRE(eventually([&] { return delivery_finished(sandbox, 1); }));
  d = sandbox.deliveries().at(1);
  BOOST_TEST(d.outcome == "failed");
  BOOST_TEST(d.attempts == 3);
  BOOST_TEST_REQUIRE(eventually([&] { return sandbox.transcript(c)->status == "open"; }));
}

BOOST_AUTO_TEST_CASE(an_answer_slower_than_the_timeout_is_a_failed_delivery) {
  testing::chatwoot_webhook_receiver receiver;
  auto options = testing::chatwoot_sandbox_server::test_options(receiver.url());
  options.webhook_timeout = std::chrono::milliseconds(200);
  options.open_on_bot_failure = false;  // Chatwoot's keep_pending_on_bot_failure
  testing::chatwoot_sandbox_server server(options);
  auto& sandbox = server.sandbox();
  receiver.set_answer_delay(std::chrono::milliseconds(800));
  const auto c = sandbox.open_conversation("+31612345678", "Sanne").conversation_id;
  sandbox.student_writes(c, "hoi");
  BOOST_TEST_REQUIRE(eventually([&] { return delivery_finished(sandbox, 0); }));
  const auto d = sandbox.deliveries().at(0);
  BOOST_TEST(d.outcome == "failed");
  BOOST_TEST(d.status == 0);
  BOOST_TEST(d.error.find("timeout") != std::string::npos);
  BOOST_TEST(sandbox.transcript(c)->status == "pending");
  BOOST_TEST(receiver.received().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(the_drop_knob_loses_webhooks_but_the_message_stays_listable, chatwoot_sandbox_fixture) {
  auto knob = bot.control("POST", "/webhooks", json::object{{"drop_next", 1}});
  BOOST_TEST_REQUIRE(knob.status == 200);
  BOOST_TEST(knob.body.at("drop_next").as_int64() == 1);
  BOOST_TEST(knob.body.at("secret_set").as_bool());
  BOOST_TEST(knob.text.find(testing::chatwoot_test_signing_secret) == std::string::npos);
  BOOST_TEST(knob.text.find(testing::chatwoot_test_webhook_token) == std::string::npos);

  const auto c = bot.open_conversation();
  const auto lost = bot.student_writes(c, "eerste");
  const auto kept = bot.student_writes(c, "tweede");
  const auto received = receiver.wait_for(1);
  BOOST_TEST_REQUIRE(received.size() == 1u);
  BOOST_TEST(body_of(received[0]).at("id").as_int64() == kept);
  const auto deliveries = sandbox.deliveries();
  BOOST_TEST_REQUIRE(deliveries.size() == 2u);
  BOOST_TEST(deliveries[0].outcome == "dropped");
  BOOST_TEST(deliveries[0].message_id == lost);
  // tutorbot's catch-up finds it through the API.
  auto listed = agent.get(messages_of(c) + "?after=0");
  BOOST_TEST(listed.body.at("payload").at(0).at("id").as_int64() == lost);
  // Still pending: a dropped webhook is not a failed one.
  BOOST_TEST(sandbox.transcript(c)->status == "pending");
}

BOOST_FIXTURE_TEST_CASE(the_legacy_sender_knob_sends_only_id_name_avatar_and_type, chatwoot_sandbox_fixture) {
  BOOST_TEST(bot.control("POST", "/webhooks", json::object{{"legacy_sender", true}}).status == 200);
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  const auto received = receiver.wait_for(1);
  BOOST_TEST_REQUIRE(received.size() == 1u);
  const auto w = body_of(received[0]);
  const auto& sender = w.at("sender").as_object();
  BOOST_TEST(sender.size() == 4u);
  BOOST_TEST(text(sender.at("type")) == "contact");
  BOOST_TEST(sender.contains("avatar"));
  BOOST_TEST(!sender.contains("phone_number"));
  // The phone number is still in the conversation's meta.sender.
  BOOST_TEST(text(w.at("conversation").at("meta").at("sender").at("phone_number")) == "+31612345678");
}

BOOST_FIXTURE_TEST_CASE(deliveries_are_listed_over_http_with_their_payload, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  BOOST_TEST_REQUIRE(eventually([&] { return delivery_finished(sandbox, 0); }));
  auto a = bot.control("GET", "/deliveries?conversation=" + std::to_string(c));
  BOOST_TEST_REQUIRE(a.status == 200);
  const auto& d = a.body.at("deliveries").at(0);
  BOOST_TEST(text(d.at("outcome")) == "delivered");
  BOOST_TEST(d.at("status").as_int64() == 200);
  BOOST_TEST(text(d.at("event")) == "message_created");
  BOOST_TEST(text(d.at("payload").at("content")) == "hoi");
  BOOST_TEST(bot.control("GET", "/deliveries?conversation=999").body.at("deliveries").as_array().empty());
}

BOOST_FIXTURE_TEST_CASE(a_message_whatsapp_refuses_comes_back_as_message_updated_with_the_error,
                        chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  sandbox.advance_clock(std::chrono::hours(25));
  auto sent = bot.post(messages_of(c), json::object{{"content", "Herinnering: morgen les"}});
  BOOST_TEST_REQUIRE(sent.status == 200);
  const auto received = receiver.wait_for(3);  // the student's, the bot's message_created, then the failure
  BOOST_TEST_REQUIRE(received.size() == 3u);
  const auto w = body_of(received[2]);
  BOOST_TEST(text(w.at("event")) == "message_updated");
  BOOST_TEST(w.at("id").as_int64() == sent.body.at("id").as_int64());
  BOOST_TEST(text(w.at("message_type")) == "outgoing");
  BOOST_TEST(text(w.at("sender").at("type")) == "agent_bot");
  BOOST_TEST(text(w.at("content_attributes").at("external_error")) == "131047: Re-engagement message");
  BOOST_TEST(!w.contains("status"));  // Chatwoot's webhook has no status field
}

BOOST_FIXTURE_TEST_CASE(an_undeliverable_number_refuses_even_inside_the_window, chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  bot.student_writes(c, "hoi");
  BOOST_TEST_REQUIRE(sandbox.make_undeliverable(c));
  BOOST_TEST_REQUIRE(bot.post(messages_of(c), json::object{{"content", "Welkom"}}).status == 200);
  const auto received = receiver.wait_for(3);
  BOOST_TEST_REQUIRE(received.size() == 3u);
  BOOST_TEST(text(body_of(received[2]).at("content_attributes").at("external_error")) == "131026: Message undeliverable");
  BOOST_TEST(!sandbox.make_undeliverable(c + 1000));
}

BOOST_FIXTURE_TEST_CASE(a_photo_arrives_with_its_caption_as_content_and_the_image_as_attachment,
                        chatwoot_sandbox_fixture) {
  const auto c = bot.open_conversation();
  BOOST_TEST_REQUIRE(sandbox.student_sends(c, "image", "Deze opgave snap ik niet").has_value());
  BOOST_TEST_REQUIRE(sandbox.student_sends(c, "image", "").has_value());
  const auto received = receiver.wait_for(2);
  BOOST_TEST_REQUIRE(received.size() == 2u);
  const auto captioned = body_of(received[0]);
  BOOST_TEST(text(captioned.at("content")) == "Deze opgave snap ik niet");
  BOOST_TEST(text(captioned.at("attachments").at(0).at("file_type")) == "image");
  const auto bare = body_of(received[1]);
  BOOST_TEST(bare.at("content").is_null());
  BOOST_TEST(text(bare.at("attachments").at(0).at("file_type")) == "image");
}

BOOST_AUTO_TEST_SUITE_END()
