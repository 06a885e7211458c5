// The Chatwoot webhook and answer parser against payloads shaped after Chatwoot's own
// documented samples (../shared/reference/chatwoot/) and Message#webhook_data /
// Contact#webhook_data / Conversation#webhook_data of current versions: real field sets,
// nulls where Chatwoot sends them, fields we never read.
#include <string>

#include <boost/test/unit_test.hpp>

#include "net/chatwoot_client.hpp"
#include "net/chatwoot_json.hpp"

using namespace tutorbot;
using namespace tutorbot::net;
using namespace std::chrono;

namespace {

// Chatwoot's documented message_created sample (web widget, older sender shape).
const std::string reference_message_created = R"({
  "id": 118, "content": "hi", "created_at": "2021-07-23T18:02:48.000Z", "message_type": "incoming",
  "content_type": "text", "private": false, "content_attributes": {}, "source_id": null,
  "sender": {"id": 14, "name": "little-haze-776", "avatar": "", "type": "contact"},
  "inbox": {"id": 1, "name": "Acme Support"},
  "conversation": {
    "additional_attributes": {"browser": {"device_name": "Unknown", "browser_name": "Chrome"},
                              "referer": "http://localhost:3000/widget_tests"},
    "can_reply": true, "channel": "Channel::WebWidget", "id": 10, "inbox_id": 1,
    "contact_inbox": {"id": 12, "contact_id": 14, "inbox_id": 1, "source_id": "405f1d30-1af3-4fa0-8ffd-11ea3f86101e",
                      "created_at": "2021-07-23T18:01:48.739Z", "updated_at": "2021-07-23T18:01:48.739Z",
                      "hmac_verified": false},
    "messages": [{"id": 120, "content": "Get notified by email", "account_id": 1, "inbox_id": 1, "conversation_id": 10,
                  "message_type": 3, "created_at": 1627063369, "updated_at": "2021-07-23T18:02:49.000Z",
                  "private": false, "status": "sent", "source_id": null, "content_type": "input_email",
                  "content_attributes": {}, "sender_type": null, "sender_id": null, "external_source_ids": {}}],
    "meta": {"sender": {"additional_attributes": {}, "custom_attributes": {}, "email": null, "id": 14,
                        "identifier": null, "name": "little-haze-776", "phone_number": null,
                        "pubsub_token": "baRUMaAnAB6geeGXUXBsJwDS", "thumbnail": "", "type": "contact"},
             "assignee": {"id": 1, "name": "John", "available_name": "John", "avatar_url": "", "type": "user",
                          "availability_status": "online"}},
    "status": "open", "unread_count": 1, "agent_last_seen_at": 0, "contact_last_seen_at": 0, "timestamp": 1627063369
  },
  "account": {"id": 1, "name": "Acme Inc"},
  "event": "message_created"
})";

// A current Chatwoot (v3/v4) message_created from a WhatsApp Cloud inbox with an agent bot:
// the sender is Contact#webhook_data (no "type"), the conversation has labels and custom
// attributes, conversation.messages[] uses integers.
const std::string whatsapp_message_created = R"({
  "account": {"id": 3, "name": "Bijles Utrecht"},
  "additional_attributes": {},
  "content_attributes": {"in_reply_to": null},
  "content_type": "text",
  "content": "Hoi, ik wil graag een proefles wiskunde",
  "conversation": {
    "additional_attributes": {},
    "can_reply": true,
    "channel": "Channel::Whatsapp",
    "contact_inbox": {"id": 901, "contact_id": 5210, "inbox_id": 7, "source_id": "31612345678",
                      "created_at": "2026-03-02T09:14:05.112Z", "updated_at": "2026-03-02T09:14:05.112Z",
                      "hmac_verified": false, "pubsub_token": "Xq2mV9sLkP3aTz7bRw4eYc8N"},
    "id": 4417,
    "inbox_id": 7,
    "messages": [{"id": 88123, "content": "Hoi, ik wil graag een proefles wiskunde", "account_id": 3, "inbox_id": 7,
                  "conversation_id": 4417, "message_type": 0, "created_at": 1772702107,
                  "updated_at": "2026-03-05T09:15:07.431Z", "private": false, "status": "sent",
                  "source_id": "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI5", "content_type": "text",
                  "content_attributes": {"in_reply_to": null}, "sender_type": "Contact", "sender_id": 5210,
                  "external_source_ids": {}, "additional_attributes": {}, "processed_message_content": "Hoi, ik wil graag een proefles wiskunde",
                  "sentiment": {}, "conversation": {"assignee_id": null, "unread_count": 1, "last_activity_at": 1772702107,
                                                    "contact_inbox": {"source_id": "31612345678"}},
                  "sender": {"additional_attributes": {}, "custom_attributes": {}, "email": null, "id": 5210,
                             "identifier": null, "name": "Sanne de Vries", "phone_number": "+31612345678",
                             "thumbnail": "", "blocked": false, "type": "contact"}}],
    "labels": ["intake"],
    "meta": {"sender": {"additional_attributes": {"social_profiles": {}}, "custom_attributes": {"school_level": "havo", "year": 4},
                        "email": "sanne.devries@example.nl", "id": 5210, "identifier": null, "name": "Sanne de Vries",
                        "phone_number": "+31612345678", "thumbnail": "", "blocked": false, "type": "contact"},
             "assignee": null, "team": null, "hmac_verified": false},
    "status": "pending",
    "custom_attributes": {"tutorbot_state": "intake", "trial_used": false},
    "snoozed_until": null, "unread_count": 1, "first_reply_created_at": null, "priority": null,
    "waiting_since": 1772702107, "agent_last_seen_at": 0, "contact_last_seen_at": 0,
    "last_activity_at": 1772702107, "timestamp": 1772702107, "created_at": 1772442845
  },
  "created_at": "2026-03-05T09:15:07.431Z",
  "id": 88123,
  "inbox": {"id": 7, "name": "WhatsApp Bijles"},
  "message_type": "incoming",
  "private": false,
  "sender": {"account": {"id": 3, "name": "Bijles Utrecht"}, "additional_attributes": {"social_profiles": {}},
             "avatar": "", "custom_attributes": {"school_level": "havo", "year": 4}, "email": "sanne.devries@example.nl",
             "id": 5210, "identifier": null, "name": "Sanne de Vries", "phone_number": "+31612345678",
             "thumbnail": "", "blocked": false},
  "source_id": "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI5",
  "event": "message_created"
})";

// The same WhatsApp message from an older Chatwoot: sender {id, name, avatar, type} only.
const std::string whatsapp_old_sender = R"({
  "id": 88124, "content": "Dinsdag kan ik", "created_at": "2026-03-05T09:16:40.000Z", "message_type": "incoming",
  "content_type": "text", "private": false, "content_attributes": {}, "source_id": "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI6",
  "sender": {"id": 5210, "name": "Sanne de Vries", "avatar": "", "type": "contact"},
  "inbox": {"id": 7, "name": "WhatsApp Bijles"},
  "conversation": {
    "channel": "Channel::Whatsapp", "id": 4417, "inbox_id": 7,
    "contact_inbox": {"id": 901, "contact_id": 5210, "inbox_id": 7, "source_id": "31612345678"},
    "messages": [],
    "meta": {"sender": {"additional_attributes": {}, "custom_attributes": {"school_level": "havo"},
                        "email": "sanne.devries@example.nl", "id": 5210, "identifier": "stu-77",
                        "name": "Sanne de Vries", "phone_number": "+31612345678", "pubsub_token": "x",
                        "thumbnail": "", "type": "contact"},
             "assignee": null},
    "status": "pending", "unread_count": 1, "timestamp": 1772702200
  },
  "account": {"id": 3, "name": "Bijles Utrecht"},
  "event": "message_created"
})";

// Builds a message_created with the given top-level message fields around a WhatsApp conversation.
std::string message_event(const std::string& fields, const std::string& event = "message_created") {
  return R"({"account": {"id": 3, "name": "Bijles Utrecht"},
    "conversation": {"channel": "Channel::Whatsapp", "id": 4417, "inbox_id": 7, "status": "pending",
      "contact_inbox": {"contact_id": 5210, "source_id": "31612345678"}, "messages": [], "labels": [],
      "meta": {"sender": {"id": 5210, "name": "Sanne de Vries", "phone_number": "+31612345678", "type": "contact"}}},
    "inbox": {"id": 7, "name": "WhatsApp Bijles"}, "event": ")" +
         event + R"(", )" + fields + "}";
}

const std::string status_changed = R"({
  "additional_attributes": {}, "can_reply": true, "channel": "Channel::WebWidget", "id": 10, "inbox_id": 1,
  "contact_inbox": {"id": 12, "contact_id": 12, "inbox_id": 1, "source_id": "405f1d30-1af3-4fa0-8ffd-11ea3f86101e",
                    "created_at": "2021-07-23T18:01:48.739Z", "updated_at": "2021-07-23T18:02:59.053Z", "hmac_verified": false},
  "messages": [],
  "meta": {"sender": {"additional_attributes": {}, "custom_attributes": {}, "email": "jane@acme.inc", "id": 12,
                      "identifier": null, "name": "jane", "phone_number": null, "pubsub_token": "s76CptSuowp4BDcBom2q7aNX",
                      "thumbnail": "", "type": "contact"},
           "assignee": {"id": 1, "name": "John", "available_name": "John", "avatar_url": "", "type": "user",
                        "availability_status": "online"}},
  "status": "open", "unread_count": 0, "agent_last_seen_at": 1627063451, "contact_last_seen_at": 0,
  "timestamp": 1627063369, "event": "conversation_status_changed"
})";

chatwoot_event parsed(const std::string& body) {
  auto r = parse_chatwoot_webhook(body);
  if (auto* e = std::get_if<chatwoot_parse_error>(&r)) BOOST_FAIL("parse error: " + e->message);
  return std::get<chatwoot_event>(r);
}

std::string parse_error_of(const std::string& body) {
  auto r = parse_chatwoot_webhook(body);
  BOOST_REQUIRE(std::holds_alternative<chatwoot_parse_error>(r));
  return std::get<chatwoot_parse_error>(r).message;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(chatwoot_webhook_parsing)

BOOST_AUTO_TEST_CASE(reference_message_created_parses_message_conversation_and_contact) {
  auto e = parsed(reference_message_created);
  BOOST_CHECK(e.kind == chatwoot_event_kind::message_created);
  BOOST_TEST(e.name == "message_created");
  BOOST_REQUIRE(e.message && e.conversation);
  BOOST_TEST(e.message->id == 118);
  BOOST_TEST(e.message->content == "hi");
  BOOST_CHECK(e.message->message_type == chatwoot_message_type::incoming);
  BOOST_TEST(e.message->content_type == "text");
  BOOST_TEST(!e.message->private_note);
  BOOST_CHECK(e.message->created_at == sys_days{2021y / 7 / 23} + 18h + 2min + 48s);
  BOOST_TEST(e.message->conversation_id.value == 10);
  BOOST_TEST(e.conversation->id.value == 10);
  BOOST_TEST(e.conversation->account_id == 1);
  BOOST_TEST(e.conversation->inbox_id == 1);
  BOOST_CHECK(e.conversation->status == chatwoot_status::open);
  BOOST_TEST(e.conversation->channel == "Channel::WebWidget");
  BOOST_TEST(e.conversation->source_id == "405f1d30-1af3-4fa0-8ffd-11ea3f86101e");
  BOOST_TEST(e.conversation->contact_id == 14);
  BOOST_TEST(is_from_student(e));
}

BOOST_AUTO_TEST_CASE(current_whatsapp_sender_is_the_full_contact_without_a_type) {
  auto e = parsed(whatsapp_message_created);
  BOOST_REQUIRE(e.message && e.message->sender);
  const auto& s = *e.message->sender;
  BOOST_CHECK(s.type == chatwoot_sender_type::contact);
  BOOST_TEST(s.id == 5210);
  BOOST_TEST(s.name == "Sanne de Vries");
  BOOST_TEST(s.email == "sanne.devries@example.nl");
  BOOST_TEST(s.phone_number == "+31612345678");
  BOOST_TEST(s.identifier.empty());
  BOOST_TEST(s.custom_attributes.at("school_level") == "havo");
  BOOST_TEST(s.custom_attributes.at("year") == "4");
  BOOST_TEST(s.additional_attributes.at("social_profiles") == "{}");
  BOOST_TEST(e.message->source_id == "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQzQUI5");
  BOOST_CHECK(e.message->created_at == sys_days{2026y / 3 / 5} + 9h + 15min + 7s);
  BOOST_TEST(is_from_student(e));
}

BOOST_AUTO_TEST_CASE(whatsapp_conversation_carries_channel_number_labels_and_attributes) {
  auto e = parsed(whatsapp_message_created);
  BOOST_REQUIRE(e.conversation);
  const auto& c = *e.conversation;
  BOOST_TEST(c.id.value == 4417);
  BOOST_TEST(c.account_id == 3);  // from the top-level account: the conversation has none
  BOOST_TEST(c.inbox_id == 7);
  BOOST_TEST(c.channel == "Channel::Whatsapp");
  BOOST_TEST(c.source_id == "31612345678");
  BOOST_TEST(c.contact_id == 5210);
  BOOST_CHECK(c.status == chatwoot_status::pending);
  BOOST_TEST(c.labels == std::vector<std::string>{"intake"});
  BOOST_TEST(c.custom_attributes.at("tutorbot_state") == "intake");
  BOOST_TEST(c.custom_attributes.at("trial_used") == "false");
  BOOST_REQUIRE(c.contact);
  BOOST_TEST(c.contact->email == "sanne.devries@example.nl");
}

BOOST_AUTO_TEST_CASE(old_sender_shape_is_completed_from_the_conversation_contact) {
  auto e = parsed(whatsapp_old_sender);
  BOOST_REQUIRE(e.message && e.message->sender);
  const auto& s = *e.message->sender;
  BOOST_CHECK(s.type == chatwoot_sender_type::contact);
  BOOST_TEST(s.id == 5210);
  BOOST_TEST(s.email == "sanne.devries@example.nl");
  BOOST_TEST(s.phone_number == "+31612345678");
  BOOST_TEST(s.identifier == "stu-77");
  BOOST_TEST(s.custom_attributes.at("school_level") == "havo");
  BOOST_TEST(is_from_student(e));
}

BOOST_AUTO_TEST_CASE(an_agent_sender_is_not_completed_from_the_contact_with_the_same_id) {
  auto e = parsed(message_event(R"("id": 88130, "content": "Ik neem het over", "message_type": "outgoing",
    "private": false, "created_at": "2026-03-05T10:00:00.000Z",
    "sender": {"id": 5210, "name": "Ilse", "email": "ilse@bijles.example.nl", "type": "user"})"));
  BOOST_REQUIRE(e.message && e.message->sender);
  BOOST_CHECK(e.message->sender->type == chatwoot_sender_type::user);
  BOOST_TEST(e.message->sender->phone_number.empty());
  BOOST_TEST(!is_from_student(e));
}

BOOST_AUTO_TEST_CASE(message_type_is_accepted_as_word_or_integer) {
  auto word = parsed(message_event(R"("id": 1, "content": "a", "message_type": "incoming",
    "sender": {"id": 5210, "type": "contact"})"));
  auto number = parsed(message_event(R"("id": 2, "content": "a", "message_type": 0,
    "sender": {"id": 5210, "type": "contact"})"));
  auto text_number = parsed(message_event(R"("id": 3, "content": "a", "message_type": "1",
    "sender": {"id": 5210, "type": "contact"})"));
  BOOST_CHECK(word.message->message_type == chatwoot_message_type::incoming);
  BOOST_CHECK(number.message->message_type == chatwoot_message_type::incoming);
  BOOST_CHECK(text_number.message->message_type == chatwoot_message_type::outgoing);
  for (auto [text, type] : {std::pair{"2", chatwoot_message_type::activity}, {"template", chatwoot_message_type::template_message},
                            {"3", chatwoot_message_type::template_message}, {"9", chatwoot_message_type::unknown}})
    BOOST_CHECK(parse_chatwoot_message_type(text) == type);
}

BOOST_AUTO_TEST_CASE(created_at_is_accepted_as_iso_text_or_unix_seconds) {
  auto iso = parsed(message_event(R"("id": 1, "message_type": "incoming", "created_at": "2026-03-05T09:15:07.431Z")"));
  auto unix_time = parsed(message_event(R"("id": 2, "message_type": "incoming", "created_at": 1772702107)"));
  auto offset = parsed(message_event(R"("id": 3, "message_type": "incoming", "created_at": "2026-03-05T10:15:07+01:00")"));
  sys_seconds expected = sys_days{2026y / 3 / 5} + 9h + 15min + 7s;
  BOOST_CHECK(iso.message->created_at == expected);
  BOOST_CHECK(unix_time.message->created_at == expected);
  BOOST_CHECK(offset.message->created_at == expected);
}

BOOST_AUTO_TEST_CASE(a_private_note_is_not_from_the_student) {
  auto e = parsed(message_event(R"("id": 88131, "content": "Intake: havo 4, wiskunde B", "message_type": "outgoing",
    "private": true, "content_type": "text", "created_at": "2026-03-05T10:00:00.000Z",
    "sender": {"id": 2, "name": "tutorbot", "type": "agent_bot"})"));
  BOOST_TEST(e.message->private_note);
  BOOST_TEST(!is_from_student(e));
}

BOOST_AUTO_TEST_CASE(the_bots_own_outgoing_reply_is_not_from_the_student) {
  auto e = parsed(message_event(R"("id": 88132, "content": "Welkom! Waarmee kan ik helpen?", "message_type": "outgoing",
    "private": false, "content_type": "input_select", "content_attributes": {"items": [{"title": "Proefles", "value": "trial"}]},
    "created_at": "2026-03-05T09:15:09.000Z", "sender": {"id": 2, "name": "tutorbot", "type": "agent_bot"})"));
  BOOST_REQUIRE(e.message->sender);
  BOOST_CHECK(e.message->sender->type == chatwoot_sender_type::agent_bot);
  BOOST_TEST(e.message->content_type == "input_select");
  BOOST_TEST(!is_from_student(e));
}

BOOST_AUTO_TEST_CASE(an_incoming_private_message_is_not_acted_on) {
  auto e = parsed(message_event(R"("id": 5, "content": "x", "message_type": "incoming", "private": true,
    "sender": {"id": 5210, "type": "contact"})"));
  BOOST_TEST(!is_from_student(e));
}

BOOST_AUTO_TEST_CASE(message_updated_of_a_student_message_is_not_acted_on_again) {
  auto e = parsed(message_event(R"("id": 88123, "content": "Hoi", "message_type": "incoming", "private": false,
    "sender": {"id": 5210, "type": "contact"})", "message_updated"));
  BOOST_CHECK(e.kind == chatwoot_event_kind::message_updated);
  BOOST_TEST(!is_from_student(e));
}

BOOST_AUTO_TEST_CASE(a_bot_message_that_whatsapp_refused_is_known_with_its_error_options_and_template) {
  auto e = parsed(message_event(R"("id": 88150, "content": "Hoe lang moet de les duren?", "message_type": "outgoing",
    "private": false, "content_type": "input_select",
    "content_attributes": {"items": [{"title": "60 min", "value": "60 min"}, {"title": "90 min", "value": "90 min"}],
                           "external_error": "131047: Re-engagement message"},
    "additional_attributes": {}, "sender": {"id": 2, "name": "tutorbot", "type": "agent_bot"})", "message_updated"));
  BOOST_TEST(is_refused_bot_message(e));
  BOOST_TEST(e.message->external_error == "131047: Re-engagement message");
  BOOST_TEST(e.message->option_titles == (std::vector<std::string>{"60 min", "90 min"}), boost::test_tools::per_element());
  BOOST_TEST(!e.message->whatsapp_template);
  auto refused_template = parsed(message_event(R"("id": 88151, "content": "x", "message_type": "outgoing", "private": false,
    "content_attributes": {"external_error": "(#132001) Template name does not exist in the translation"},
    "additional_attributes": {"template_params": {"name": "tutorbot_update"}},
    "sender": {"id": 2, "type": "agent_bot"})", "message_updated"));
  BOOST_TEST(is_refused_bot_message(refused_template));
  BOOST_TEST(refused_template.message->whatsapp_template);
}

BOOST_AUTO_TEST_CASE(delivered_messages_agents_messages_and_message_created_are_not_refusals) {
  auto delivered = parsed(message_event(R"("id": 88152, "content": "x", "message_type": "outgoing", "private": false,
    "content_attributes": {}, "sender": {"id": 2, "type": "agent_bot"})", "message_updated"));
  BOOST_TEST(!is_refused_bot_message(delivered));
  auto agent = parsed(message_event(R"("id": 88153, "content": "x", "message_type": "outgoing", "private": false,
    "content_attributes": {"external_error": "131047: Re-engagement message"}, "sender": {"id": 7, "type": "user"})",
                                    "message_updated"));
  BOOST_TEST(!is_refused_bot_message(agent));  // staff see their own message fail in Chatwoot
  auto created = parsed(message_event(R"("id": 88154, "content": "x", "message_type": "outgoing", "private": false,
    "content_attributes": {"external_error": "131047: Re-engagement message"}, "sender": {"id": 2, "type": "agent_bot"})"));
  BOOST_TEST(!is_refused_bot_message(created));
}

BOOST_AUTO_TEST_CASE(activity_messages_have_no_sender) {
  auto e = parsed(message_event(R"("id": 88140, "content": "Conversation was marked resolved by Ilse",
    "message_type": "activity", "private": false, "sender": null)"));
  BOOST_CHECK(e.message->message_type == chatwoot_message_type::activity);
  BOOST_TEST(!e.message->sender.has_value());
  BOOST_TEST(!is_from_student(e));
}

BOOST_AUTO_TEST_CASE(unsupported_media_arrive_as_attachments_with_their_type) {
  auto e = parsed(message_event(R"("id": 88150, "content": null, "message_type": "incoming", "private": false,
    "sender": {"id": 5210, "type": "contact"},
    "attachments": [{"id": 311, "message_id": 88150, "file_type": "audio", "account_id": 3, "extension": null,
                     "data_url": "https://chat.example.nl/rails/active_storage/blobs/voice.ogg", "thumb_url": "",
                     "file_size": 18211},
                    {"id": 312, "message_id": 88150, "file_type": "image", "account_id": 3,
                     "data_url": "https://chat.example.nl/rails/active_storage/blobs/photo.jpg"}])"));
  BOOST_TEST(e.message->content.empty());
  BOOST_REQUIRE(e.message->attachments.size() == 2u);
  BOOST_TEST(e.message->attachments[0].file_type == "audio");
  BOOST_TEST(e.message->attachments[1].file_type == "image");
  BOOST_TEST(e.message->attachments[1].id == 312);
  BOOST_TEST(is_from_student(e));  // the rule is about who wrote it; the dialogue handles the media
}

BOOST_AUTO_TEST_CASE(reference_status_change_gives_the_conversation_and_its_new_status) {
  auto e = parsed(status_changed);
  BOOST_CHECK(e.kind == chatwoot_event_kind::conversation_status_changed);
  BOOST_TEST(!e.message.has_value());
  BOOST_REQUIRE(e.conversation);
  BOOST_TEST(e.conversation->id.value == 10);
  BOOST_CHECK(e.conversation->status == chatwoot_status::open);
  BOOST_TEST(e.conversation->contact_id == 12);
  BOOST_REQUIRE(e.conversation->contact);
  BOOST_TEST(e.conversation->contact->email == "jane@acme.inc");
  BOOST_TEST(!is_from_student(e));
}

BOOST_AUTO_TEST_CASE(conversation_updated_names_the_changed_attributes) {
  auto e = parsed(R"({"event": "conversation_updated", "id": 4417, "account_id": 3, "inbox_id": 7, "status": "open",
    "channel": "Channel::Whatsapp", "labels": ["handoff", "intake"], "meta": {"sender": {"id": 5210, "type": "contact"}},
    "changed_attributes": [{"label_list": {"previous_value": ["intake"], "current_value": ["handoff", "intake"]}},
                           {"updated_at": {"previous_value": "2026-03-05T09:15:07.431Z", "current_value": "2026-03-05T10:01:00.000Z"}}]})");
  BOOST_CHECK(e.kind == chatwoot_event_kind::conversation_updated);
  BOOST_TEST(e.changed_attributes == (std::vector<std::string>{"label_list", "updated_at"}));
  BOOST_REQUIRE(e.conversation);
  BOOST_TEST(e.conversation->account_id == 3);
  BOOST_TEST(e.conversation->labels == (std::vector<std::string>{"handoff", "intake"}));
}

BOOST_AUTO_TEST_CASE(opened_and_resolved_are_typed_conversation_events) {
  auto opened = parsed(R"({"event": "conversation_opened", "id": 4417, "status": "open"})");
  auto resolved = parsed(R"({"event": "conversation_resolved", "id": 4417, "status": "resolved"})");
  BOOST_CHECK(opened.kind == chatwoot_event_kind::conversation_opened);
  BOOST_CHECK(resolved.kind == chatwoot_event_kind::conversation_resolved);
  BOOST_CHECK(resolved.conversation->status == chatwoot_status::resolved);
}

BOOST_AUTO_TEST_CASE(webwidget_triggered_and_unknown_events_keep_their_name) {
  auto widget = parsed(R"({"event": "webwidget_triggered", "id": 12, "account": {"id": 1, "name": "Acme"},
    "contact": {"id": 12, "name": "jane"}, "inbox": {"id": 1}, "current_conversation": null,
    "source_id": "405f1d30", "event_info": {"initiated_at": {"timestamp": "x"}}})");
  BOOST_CHECK(widget.kind == chatwoot_event_kind::webwidget_triggered);
  BOOST_TEST(!widget.conversation.has_value());
  auto other = parsed(R"({"event": "contact_updated", "id": 5210, "name": "Sanne"})");
  BOOST_CHECK(other.kind == chatwoot_event_kind::other);
  BOOST_TEST(other.name == "contact_updated");
  BOOST_TEST(!other.message.has_value());
}

BOOST_AUTO_TEST_CASE(malformed_webhooks_are_named_without_quoting_the_body) {
  BOOST_TEST(parse_error_of("not json").find("not JSON") != std::string::npos);
  BOOST_TEST(parse_error_of("[1,2]") == "webhook is not a JSON object");
  BOOST_TEST(parse_error_of(R"({"id": 1})") == "webhook without an event name");
  BOOST_TEST(parse_error_of(message_event(R"("content": "hi", "message_type": "incoming")")) ==
             "message_created without a message id");
  BOOST_TEST(parse_error_of(R"({"event": "message_created", "id": 7, "content": "hi"})") ==
             "message_created 7 without a conversation");
  BOOST_TEST(parse_error_of(R"({"event": "conversation_status_changed", "status": "open"})") ==
             "conversation_status_changed without a conversation id");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(chatwoot_api_answers)

BOOST_AUTO_TEST_CASE(message_list_uses_integers_and_push_event_senders) {
  auto r = chatwoot_json::parse_message_page(R"({
    "meta": {"labels": ["intake"], "additional_attributes": {}, "contact": {"id": 5210, "name": "Sanne de Vries",
             "phone_number": "+31612345678", "type": "contact"}, "assignee": null, "agent_last_seen_at": 0},
    "payload": [
      {"id": 88123, "content": "Hoi", "inbox_id": 7, "conversation_id": 4417, "message_type": 0, "content_type": "text",
       "content_attributes": {}, "created_at": 1772702107, "private": false, "source_id": "wamid.A",
       "sender": {"additional_attributes": {}, "custom_attributes": {}, "email": null, "id": 5210, "identifier": null,
                  "name": "Sanne de Vries", "phone_number": "+31612345678", "thumbnail": "", "type": "contact"}},
      {"id": 88124, "content": "Welkom!", "inbox_id": 7, "conversation_id": 4417, "message_type": 1,
       "content_type": "input_select", "content_attributes": {"items": []}, "created_at": 1772702109, "private": false,
       "source_id": null, "sender": {"id": 2, "name": "tutorbot", "avatar_url": "", "type": "agent_bot"}},
      {"id": 88125, "content": "Intake", "inbox_id": 7, "conversation_id": 4417, "message_type": 1, "created_at": 1772702110,
       "private": true, "sender": {"id": 2, "name": "tutorbot", "type": "agent_bot"}}]})");
  BOOST_REQUIRE(std::holds_alternative<chatwoot_message_page>(r));
  const auto& page = std::get<chatwoot_message_page>(r);
  BOOST_TEST(page.labels == std::vector<std::string>{"intake"});
  BOOST_TEST(page.contact_id == 5210);
  BOOST_REQUIRE(page.messages.size() == 3u);
  BOOST_CHECK(page.messages[0].message_type == chatwoot_message_type::incoming);
  BOOST_CHECK(page.messages[0].sender->type == chatwoot_sender_type::contact);
  BOOST_TEST(page.messages[0].conversation_id.value == 4417);
  BOOST_CHECK(page.messages[0].created_at == sys_seconds{seconds{1772702107}});
  BOOST_CHECK(page.messages[1].sender->type == chatwoot_sender_type::agent_bot);
  BOOST_TEST(page.messages[2].private_note);
}

BOOST_AUTO_TEST_CASE(older_message_list_meta_has_contact_id) {
  auto r = chatwoot_json::parse_message_page(R"({"meta": {"labels": [], "contact_id": 14}, "payload": []})");
  BOOST_REQUIRE(std::holds_alternative<chatwoot_message_page>(r));
  BOOST_TEST(std::get<chatwoot_message_page>(r).contact_id == 14);
  BOOST_TEST(std::holds_alternative<chatwoot_parse_error>(chatwoot_json::parse_message_page(R"({"meta": {}})")));
}

BOOST_AUTO_TEST_CASE(conversation_show_gives_status_labels_contact_and_attributes) {
  auto r = chatwoot_json::parse_conversation(R"({
    "meta": {"sender": {"additional_attributes": {}, "availability_status": "offline", "email": null, "id": 5210,
                        "name": "Sanne de Vries", "phone_number": "+31612345678", "identifier": null, "thumbnail": "",
                        "custom_attributes": {"year": 4}, "last_activity_at": 1772702107, "created_at": 1772442845},
             "channel": "Channel::Whatsapp", "hmac_verified": false},
    "id": 4417, "messages": [], "account_id": 3, "uuid": "0f6d3c1e-2b7a-4c55-9a8e-1d2c3b4a5f60",
    "additional_attributes": {}, "agent_last_seen_at": 0, "assignee_last_seen_at": 0, "can_reply": true,
    "contact_last_seen_at": 0, "custom_attributes": {"tutorbot_state": "awaiting_payment"}, "inbox_id": 7,
    "labels": ["awaiting-payment"], "muted": false, "snoozed_until": null, "status": "pending",
    "created_at": 1772442845, "timestamp": 1772702107, "unread_count": 0, "priority": null, "waiting_since": 0})");
  BOOST_REQUIRE(std::holds_alternative<chatwoot_conversation>(r));
  const auto& c = std::get<chatwoot_conversation>(r);
  BOOST_TEST(c.id.value == 4417);
  BOOST_TEST(c.account_id == 3);
  BOOST_CHECK(c.status == chatwoot_status::pending);
  BOOST_TEST(c.channel == "Channel::Whatsapp");
  BOOST_TEST(c.labels == std::vector<std::string>{"awaiting-payment"});
  BOOST_TEST(c.contact_id == 5210);
  BOOST_CHECK(c.contact->type == chatwoot_sender_type::contact);
  BOOST_TEST(c.custom_attributes.at("tutorbot_state") == "awaiting_payment");
}

BOOST_AUTO_TEST_CASE(labels_toggle_status_attributes_and_contact_answers) {
  auto labels = chatwoot_json::parse_labels(R"({"payload": ["booked", "paid"]})");
  BOOST_TEST(std::get<std::vector<std::string>>(labels) == (std::vector<std::string>{"booked", "paid"}));
  auto status = chatwoot_json::parse_toggle_status(
      R"({"meta": {}, "payload": {"success": null, "conversation_id": 4417, "current_status": "open", "snoozed_until": null}})");
  BOOST_CHECK(std::get<chatwoot_status>(status) == chatwoot_status::open);
  auto attributes = chatwoot_json::parse_custom_attributes(R"({"custom_attributes": {"order_id": "7f3c", "paid": true}})");
  BOOST_TEST(std::get<chatwoot_attributes>(attributes).at("paid") == "true");
  auto contact = chatwoot_json::parse_contact(R"({"payload": {"id": 5210, "name": "Sanne de Vries",
    "email": "sanne.devries@example.nl", "phone_number": "+31612345678", "custom_attributes": {"year": "4"},
    "contact_inboxes": []}})");
  BOOST_REQUIRE(std::holds_alternative<chatwoot_sender>(contact));
  BOOST_TEST(std::get<chatwoot_sender>(contact).email == "sanne.devries@example.nl");
  BOOST_CHECK(std::get<chatwoot_sender>(contact).type == chatwoot_sender_type::contact);
}

BOOST_AUTO_TEST_CASE(error_bodies_in_every_shape_chatwoot_uses) {
  BOOST_TEST(chatwoot_json::error_message(R"({"error": "Access to this endpoint is not authorized for bots"})") ==
             "Access to this endpoint is not authorized for bots");
  BOOST_TEST(chatwoot_json::error_message(R"({"message": "Email has already been taken", "attributes": ["email"]})") ==
             "Email has already been taken");
  BOOST_TEST(chatwoot_json::error_message(R"({"errors": ["You need to sign in or sign up before continuing."]})") ==
             "You need to sign in or sign up before continuing.");
  BOOST_TEST(chatwoot_json::error_message("Retry later\n").empty());
  BOOST_TEST(chatwoot_json::error_message("<html>502 Bad Gateway</html>").empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(chatwoot_message_bodies)

BOOST_AUTO_TEST_CASE(text_reply_body) {
  chatwoot_outgoing_message m;
  m.content = "Welkom bij Bijles Utrecht!";
  BOOST_TEST(chatwoot_message_body(m) ==
             R"({"content":"Welkom bij Bijles Utrecht!","message_type":"outgoing","private":false,"content_type":"text"})");
}

BOOST_AUTO_TEST_CASE(input_select_body_carries_items_in_content_attributes) {
  chatwoot_outgoing_message m;
  m.content = "Waarmee kan ik helpen?";
  m.content_type = chatwoot_content_type::input_select;
  m.items = {{"Proefles", "trial"}, {"Les boeken", "book"}};
  BOOST_TEST(chatwoot_message_body(m) ==
             R"({"content":"Waarmee kan ik helpen?","message_type":"outgoing","private":false,"content_type":"input_select",)"
             R"("content_attributes":{"items":[{"title":"Proefles","value":"trial"},{"title":"Les boeken","value":"book"}]}})");
}

BOOST_AUTO_TEST_CASE(template_body_carries_processed_params) {
  chatwoot_outgoing_message m;
  m.content = "Herinnering: je les is morgen om 16:00";
  m.whatsapp_template = chatwoot_template{"lesson_reminder", "UTILITY", "nl", {{"1", "Sanne"}, {"2", "morgen 16:00"}}};
  BOOST_TEST(chatwoot_message_body(m) ==
             R"({"content":"Herinnering: je les is morgen om 16:00","message_type":"outgoing","private":false,)"
             R"("content_type":"text","template_params":{"name":"lesson_reminder","category":"UTILITY","language":"nl",)"
             R"("processed_params":{"body":{"1":"Sanne","2":"morgen 16:00"}}}})");
}

BOOST_AUTO_TEST_CASE(private_note_body) {
  chatwoot_outgoing_message m;
  m.content = "Intake: havo 4";
  m.private_note = true;
  BOOST_TEST(chatwoot_message_body(m).find(R"("private":true)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(messages_we_cannot_send_are_named) {
  chatwoot_outgoing_message empty;
  BOOST_TEST(chatwoot_message_problem(empty) == "the message has no content");
  chatwoot_outgoing_message select;
  select.content = "Kies";
  select.content_type = chatwoot_content_type::input_select;
  BOOST_TEST(chatwoot_message_problem(select) == "an input_select message needs at least one item");
  select.items = {{"", "x"}};
  BOOST_TEST(chatwoot_message_problem(select) == "an input_select item has an empty title");
  chatwoot_outgoing_message only_template;
  only_template.whatsapp_template = chatwoot_template{"lesson_reminder", "UTILITY", "nl", {}};
  BOOST_TEST(chatwoot_message_problem(only_template).empty());
}

BOOST_AUTO_TEST_SUITE_END()
