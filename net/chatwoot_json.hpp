#pragma once
// Chatwoot JSON into plain values: webhook bodies (message and conversation events), the
// answers of the conversation API and error bodies (signatures: net/chatwoot_signature.hpp).
// Tolerant: unknown fields are ignored and null or missing fields keep their defaults,
// because Chatwoot's payloads differ between versions (see chatwoot_sender) and between
// the webhook and the API (message_type as a word or a number, times as ISO text or unix
// seconds). Boost.JSON stays in chatwoot_json.cpp.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/types.hpp"

namespace tutorbot::net {

// Attribute maps as strings: a string stays as is, a number or boolean becomes its JSON
// text ("3", "true"), an object or array its compact JSON; null entries are dropped.
using chatwoot_attributes = std::map<std::string, std::string>;

// Message::message_type: the webhook sends the enum's name, the API and
// conversation.messages[] its integer (0 incoming, 1 outgoing, 2 activity, 3 template).
enum class chatwoot_message_type { incoming, outgoing, activity, template_message, unknown };
enum class chatwoot_sender_type { contact, user, agent_bot, unknown };
enum class chatwoot_status { open, pending, resolved, snoozed, unknown };
std::string_view to_string(chatwoot_message_type t);  // "incoming", …, "template"
std::string_view to_string(chatwoot_sender_type t);   // "contact", "user", "agent_bot"
std::string_view to_string(chatwoot_status s);
chatwoot_message_type parse_chatwoot_message_type(std::string_view text);  // a name or "0".."3"
chatwoot_status parse_chatwoot_status(std::string_view text);

// Who wrote a message, or the contact of a conversation (meta.sender).
// Current Chatwoot sends Contact#webhook_data as a message's sender (id, name, email,
// phone_number, identifier, custom_attributes, additional_attributes, … but no "type");
// older versions only {id, name, avatar, type}. The parser fills what is missing from
// conversation.meta.sender when it is the same contact, and types a sender without "type"
// as a contact when it carries contact-only fields (agents and bots always say their type).
struct chatwoot_sender {
  chatwoot_sender_type type = chatwoot_sender_type::unknown;
  std::int64_t id = 0;
  std::string name;
  std::string email;         // empty when null
  std::string phone_number;  // E.164 ("+31612345678"), empty when null
  std::string identifier;
  chatwoot_attributes custom_attributes;
  chatwoot_attributes additional_attributes;
};

struct chatwoot_attachment {
  std::int64_t id = 0;
  std::string file_type;  // image, audio, video, file, location, fallback, share, contact, …
  std::string data_url;
};

struct chatwoot_conversation {
  domain::conversation_id id;  // the display id, the one in API URLs; 0 when absent
  std::int64_t account_id = 0;
  std::int64_t inbox_id = 0;
  chatwoot_status status = chatwoot_status::unknown;
  std::string channel;           // "Channel::Whatsapp", "Channel::WebWidget", …
  std::string source_id;         // contact_inbox.source_id: the WhatsApp number for WhatsApp inboxes
  std::int64_t contact_id = 0;   // contact_inbox.contact_id, else meta.sender.id
  std::vector<std::string> labels;
  chatwoot_attributes custom_attributes;
  std::optional<chatwoot_sender> contact;  // meta.sender
  std::chrono::sys_seconds last_activity_at{};  // "timestamp" in API answers; 0 when absent
};

struct chatwoot_message {
  std::int64_t id = 0;
  domain::conversation_id conversation_id;  // the display id; 0 when the payload has none
  std::string content;                      // empty when null (attachments only)
  chatwoot_message_type message_type = chatwoot_message_type::unknown;
  std::string content_type = "text";        // text, input_select, input_email, cards, …
  bool private_note = false;                // Chatwoot's "private"
  std::chrono::sys_seconds created_at{};
  std::optional<chatwoot_sender> sender;    // none: a system message (activity, template)
  std::vector<chatwoot_attachment> attachments;
  std::string source_id;                    // the channel's id (WhatsApp's wamid), empty when null
  // content_attributes.items[].title of an input_select: the options as WhatsApp showed them.
  std::vector<std::string> option_titles;
  // content_attributes.external_error: why WhatsApp refused the message (Meta's words), or "".
  std::string external_error;
  bool whatsapp_template = false;           // sent with template_params (additional_attributes)
};

enum class chatwoot_event_kind {
  message_created,
  message_updated,
  conversation_created,
  conversation_status_changed,
  conversation_opened,
  conversation_resolved,
  conversation_updated,
  webwidget_triggered,
  other  // any other event: chatwoot_event::name says which
};
std::string_view to_string(chatwoot_event_kind kind);

struct chatwoot_event {
  chatwoot_event_kind kind = chatwoot_event_kind::other;
  std::string name;  // the "event" field as sent
  // Message events: the message, and conversation is the message's conversation.
  std::optional<chatwoot_message> message;
  // Conversation events: the conversation itself (its status is the new status); for
  // webwidget_triggered current_conversation when there is one.
  std::optional<chatwoot_conversation> conversation;
  // conversation_updated: the names in changed_attributes (e.g. "label_list", "status").
  std::vector<std::string> changed_attributes;
};

struct chatwoot_parse_error {
  std::string message;  // what is missing or malformed; never quotes the body
};

// A webhook body (verified first, when the inbox signs them). Needs an "event"; message
// events also need the message id and conversation id, conversation events the id.
std::variant<chatwoot_event, chatwoot_parse_error> parse_chatwoot_webhook(std::string_view body);

// The one rule tutorbot acts on: a message_created for an incoming, public message written
// by a contact. Chatwoot also posts the bot's own replies, agents' messages and private
// notes to the same webhook, and message_updated for status changes of any message.
bool is_from_student(const chatwoot_event& event);
// The same rule for one message (from a webhook or the message list): incoming, public,
// written by a contact.
bool is_student_message(const chatwoot_message& message);
// A message the agent bot sent that WhatsApp refused: Chatwoot's message_updated for an
// outgoing, public message of the bot with content_attributes.external_error.
bool is_refused_bot_message(const chatwoot_event& event);

// ---- API answers (used by chatwoot_client; public for tests) -----------------------------

struct chatwoot_message_page {
  std::vector<chatwoot_message> messages;  // as listed: oldest first
  std::vector<std::string> labels;         // meta.labels
  std::int64_t contact_id = 0;             // meta.contact.id, or meta.contact_id in older versions
};

namespace chatwoot_json {

// GET …/messages: {"meta": {…}, "payload": [messages…]}.
std::variant<chatwoot_message_page, chatwoot_parse_error> parse_message_page(std::string_view body);
// POST …/messages answers the created message.
std::variant<chatwoot_message, chatwoot_parse_error> parse_message(std::string_view body);
// GET …/conversations/{id}: the conversation with meta.sender (the contact).
std::variant<chatwoot_conversation, chatwoot_parse_error> parse_conversation(std::string_view body);
// GET …/conversations: {data: {meta, payload: [conversation…]}}.
std::variant<std::vector<chatwoot_conversation>, chatwoot_parse_error> parse_conversation_list(std::string_view body);
// GET and POST …/labels: {"payload": ["a", "b"]}.
std::variant<std::vector<std::string>, chatwoot_parse_error> parse_labels(std::string_view body);
// POST …/toggle_status: {"meta": {}, "payload": {"success", "conversation_id", "current_status"}}.
std::variant<chatwoot_status, chatwoot_parse_error> parse_toggle_status(std::string_view body);
// POST …/custom_attributes: {"custom_attributes": {…}}.
std::variant<chatwoot_attributes, chatwoot_parse_error> parse_custom_attributes(std::string_view body);
// PUT …/contacts/{id}: {"payload": contact} (older versions: the contact itself).
std::variant<chatwoot_sender, chatwoot_parse_error> parse_contact(std::string_view body);

// Chatwoot's error text: {"error": "…"}, {"message": "…"} (validation failures, with
// "attributes"), {"errors": ["…", …]} or {"errors": [{"message"…}]}; empty when none.
std::string error_message(std::string_view body);

}  // namespace chatwoot_json
}  // namespace tutorbot::net
