#pragma once
// The Chatwoot sandbox's account: one WhatsApp inbox with an agent bot, its contacts,
// conversations, messages and labels, with Chatwoot's rules for each API call tutorbot
// makes, and the webhook payloads each change emits. No I/O and no clock: callers pass
// `now` and take the webhooks to deliver. Not thread-safe: the sandbox locks.
//
// Rules taken from Chatwoot's source (app/controllers/api/v1/accounts/…, app/models/…,
// app/builders/messages/message_builder.rb), kept here so that tutorbot meets them before
// production does:
// - Conversations of an inbox with an active agent bot start `pending`. A bot's
//   toggle_status pending → open is a "bot handoff" and answers `success: null`.
// - A student message on a resolved conversation opens a NEW conversation (WhatsApp
//   inboxes default to lock_to_single_conversation = false), or, with the lock, turns the
//   old one back to `pending`; a snoozed one turns `open`.
// - POST …/custom_attributes REPLACES the conversation's custom attributes (the
//   controller assigns the permitted hash); PUT contacts/{id} MERGES custom_attributes
//   and additional_attributes into the contact's.
// - POST …/labels replaces the whole list with the given one (blank and duplicate labels
//   dropped); a `labels` that is not an array clears them, as Rails' permit drops it.
// - Outgoing WhatsApp messages are created (200, status "sent") and then fail the way
//   Meta fails them, with status "failed" and content_attributes.external_error: free text
//   more than 24 h after the student's last message ("131047: Re-engagement message"; a
//   template_params message is exempt), an input_select WhatsApp cannot render (> 10
//   items, a title over 20 characters for ≤ 3 items or over 24 for a list, an empty body
//   or one over 1024), a text over 4096 characters; each such failure is reported as a
//   message_updated webhook. Private notes never leave Chatwoot.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "sandbox/chatwoot_protocol.hpp"

namespace tutorbot::sandbox::chatwoot {

enum class sender_kind { none, contact, agent_bot, user };
struct sender_ref {
  sender_kind kind = sender_kind::none;
  std::int64_t id = 0;
};

// Message::message_type, whose integer the API shows and whose name the webhook shows.
enum class message_type { incoming = 0, outgoing = 1, activity = 2, template_message = 3 };
std::string_view to_string(message_type type);

struct contact {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> email, phone_number, identifier;
  boost::json::object additional_attributes, custom_attributes;
  instant created_at{}, last_activity_at{};
  // Its one contact_inbox in the WhatsApp inbox: source_id is the wa_id (digits, no '+').
  std::int64_t contact_inbox_id = 0;
  std::string source_id;
};

struct message {
  std::int64_t id = 0;
  std::int64_t conversation_id = 0;  // the display id
  std::optional<std::string> content;
  message_type type = message_type::incoming;
  std::string content_type = "text";
  boost::json::object content_attributes, additional_attributes;
  bool is_private = false;
  std::string status = "sent";  // sent, delivered, read, failed
  std::optional<std::string> source_id, echo_id;
  sender_ref sender;
  instant created_at{}, updated_at{};
  std::vector<std::string> attachments;  // file types ("image", "audio", …), one attachment each
};

struct conversation {
  std::int64_t id = 0;  // display_id: what API paths and webhooks call the conversation's id
  std::string uuid;
  std::int64_t contact_id = 0;
  std::string status = "pending";  // open, resolved, pending, snoozed
  std::vector<std::string> labels;
  boost::json::object custom_attributes, additional_attributes;
  std::vector<std::int64_t> message_ids;  // ascending
  instant created_at{}, updated_at{}, last_activity_at{};
  std::optional<instant> first_reply_created_at, waiting_since, last_incoming_at;
  // Meta refuses every outgoing message ("131026: Message undeliverable": the student's
  // number left WhatsApp or blocked the school).
  bool undeliverable = false;
};

struct store_settings {
  std::int64_t account_id = 1;
  std::string account_name = "Sandbox Tutoring";
  std::int64_t inbox_id = 1;
  std::string inbox_name = "WhatsApp";
  std::int64_t bot_id = 1;
  std::string bot_name = "tutorbot";
  std::int64_t user_id = 1;
  std::string user_name = "Sandbox Agent";
  std::string user_email = "agent@sandbox.invalid";
  bool lock_to_single_conversation = false;
  std::optional<std::uint64_t> seed;
};

// A webhook a change emits, in the order emitted.
struct pending_webhook {
  std::string event;  // message_created, conversation_status_changed
  boost::json::object payload;
  std::int64_t message_id = 0;  // message events
  std::int64_t conversation_id = 0;
};

struct transcript_line {
  std::int64_t id = 0;
  std::string from;  // student, bot, agent
  std::string content;
  std::string content_type;
  std::vector<std::string> options;  // input_select item titles
  std::string error;                 // external_error of an undelivered message
};

struct transcript {
  std::int64_t conversation_id = 0;
  std::string status;
  std::vector<std::string> labels;
  std::vector<transcript_line> messages;     // what the student's WhatsApp shows, in order
  std::vector<transcript_line> undelivered;  // outgoing messages WhatsApp refused
};

struct opened_conversation {
  std::int64_t conversation_id = 0;
  std::int64_t contact_id = 0;
  std::string source_id;
  bool created = true;  // false: the contact already had an unresolved conversation
};

struct incoming_result {
  std::int64_t conversation_id = 0;  // may be a new one (see the rules above)
  std::int64_t message_id = 0;
};

using result = std::variant<boost::json::value, api_error>;

class chatwoot_store {
 public:
  explicit chatwoot_store(store_settings settings);

  const store_settings& settings() const { return settings_; }
  void set_legacy_sender(bool on) { legacy_sender_ = on; }
  bool legacy_sender() const { return legacy_sender_; }

  // ---- the student's side (WhatsApp) and the sandbox's knobs
  // `phone`: E.164 with or without '+', spaces and dashes ignored. An error text when it
  // is not a phone number.
  std::variant<opened_conversation, std::string> open_conversation(const std::string& phone, const std::string& name,
                                                                    const std::string& email, instant now);
  // `attachment`: the file type of one attachment sent with it (a photo: "image", with
  // `content` its caption or empty), as WhatsApp Cloud's media messages arrive.
  std::optional<incoming_result> incoming(std::int64_t conversation_id, const std::string& content, instant now,
                                          const std::string& attachment = {});
  // From now on Meta refuses the conversation's outgoing messages; false when it is unknown.
  bool make_undeliverable(std::int64_t conversation_id);
  std::optional<transcript> transcript_of(std::int64_t conversation_id) const;
  boost::json::array conversation_list() const;
  // A bot webhook for `message_id` failed: Chatwoot opens a pending conversation for
  // humans and notes it with an activity message.
  void bot_webhook_failed(std::int64_t message_id, instant now);
  // "" when the conversation is unknown.
  std::string status_of(std::int64_t id) const {
    const auto* c = find(id);
    return c ? c->status : std::string{};
  }

  // ---- the API; `by` is the token's owner
  result create_message(std::int64_t conversation_id, const boost::json::object& params, sender_ref by, instant now);
  result list_messages(std::int64_t conversation_id, const std::optional<std::string>& after,
                       const std::optional<std::string>& before) const;
  result show_conversation(std::int64_t conversation_id, instant now) const;
  // GET …/conversations?status=&page=: ConversationFinder, most recent activity first, 25 a
  // page, in {data: {meta: {…counts}, payload: [conversation…]}}.
  result list_conversations(const std::string& status, int page, instant now) const;
  result labels(std::int64_t conversation_id) const;
  result set_labels(std::int64_t conversation_id, const boost::json::object& params, sender_ref by, instant now);
  result toggle_status(std::int64_t conversation_id, const boost::json::object& params, sender_ref by, instant now);
  result set_custom_attributes(std::int64_t conversation_id, const boost::json::object& params, instant now);
  result update_contact(std::int64_t contact_id, const boost::json::object& params, instant now);

  std::vector<pending_webhook> take_webhooks();

 private:
  conversation* find(std::int64_t id);
  const conversation* find(std::int64_t id) const;
  conversation& new_conversation(const contact& who, instant now);
  message& add_message(conversation& c, message m, instant now);
  // Emits conversation_status_changed when the status differs; `by` (a token's owner or
  // none for Chatwoot itself) decides the activity message, as Conversation#create_activity.
  void change_status(conversation& c, const std::string& status, sender_ref by, instant now);
  void add_activity(conversation& c, std::string content, instant now);
  std::string name_of(const sender_ref& s) const;
  // Where Meta refuses an outgoing WhatsApp message: its external_error, else "".
  std::string whatsapp_refusal(const conversation& c, const message& m, instant now) const;
  void emit_message_created(const message& m, instant now);
  void emit_message_updated(const message& m, instant now);

  // ---- views (chatwoot_views.cpp): the JSON Chatwoot renders for each thing
  boost::json::object contact_push_event_data(const contact& c) const;  // Contact#push_event_data
  boost::json::object contact_webhook_data(const contact& c) const;     // Contact#webhook_data
  boost::json::object contact_model(const contact& c) const;            // api/v1/models/_contact
  boost::json::value sender_push_event_data(const sender_ref& s) const;
  boost::json::value sender_webhook_data(const sender_ref& s) const;
  boost::json::object message_push_event_data(const message& m) const;  // Message#push_event_data
  boost::json::object message_model(const message& m) const;            // api/v1/models/_message
  boost::json::object message_webhook_data(const message& m, instant now) const;  // Message#webhook_data
  boost::json::array attachments_json(const message& m) const;
  boost::json::object conversation_push_data(const conversation& c, instant now) const;  // EventDataPresenter
  boost::json::object conversation_model(const conversation& c, instant now) const;      // _conversation
  boost::json::object contact_inbox_json(const contact& c) const;
  bool can_reply(const conversation& c, instant now) const;
  int unread_count(const conversation& c) const;
  const message* last_chat_message(const conversation& c) const;

  store_settings settings_;
  bool legacy_sender_ = false;
  std::mt19937_64 random_;
  std::map<std::int64_t, contact> contacts_;
  std::map<std::int64_t, conversation> conversations_;
  std::map<std::int64_t, message> messages_;
  std::int64_t next_contact_ = 501, next_contact_inbox_ = 701, next_conversation_ = 1, next_message_ = 1001;
  std::vector<pending_webhook> webhooks_;
};

}  // namespace tutorbot::sandbox::chatwoot
