// The JSON Chatwoot renders for contacts, messages and conversations, one function per
// serializer in Chatwoot's source: the models' push_event_data (ActionCable and the
// messages[] inside conversations) and webhook_data (webhooks), the jbuilder partials of
// the API (app/views/api/v1/models/_contact, _message, _conversation) and
// Conversations::EventDataPresenter. Times follow each serializer: unix seconds where it
// calls to_i, Rails' ISO text where it passes the time itself.
#include <boost/json/array.hpp>

#include "sandbox/chatwoot_store.hpp"

namespace tutorbot::sandbox::chatwoot {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

json::value text_or_null(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return json::value(*text);
}

json::value iso_or_null(const std::optional<instant>& t) {
  if (!t) return nullptr;
  return json::value(iso_millis(*t));
}

std::string_view sender_type_name(sender_kind kind) {
  switch (kind) {
    case sender_kind::contact: return "Contact";
    case sender_kind::agent_bot: return "AgentBot";
    case sender_kind::user: return "User";
    case sender_kind::none: break;
  }
  return "";
}

}  // namespace

json::object chatwoot_store::contact_push_event_data(const contact& c) const {
  return {{"additional_attributes", c.additional_attributes},
          {"custom_attributes", c.custom_attributes},
          {"email", text_or_null(c.email)},
          {"id", c.id},
          {"identifier", text_or_null(c.identifier)},
          {"name", c.name},
          {"phone_number", text_or_null(c.phone_number)},
          {"thumbnail", ""},
          {"blocked", false},
          {"type", "contact"}};
}

json::object chatwoot_store::contact_webhook_data(const contact& c) const {
  // Before Chatwoot 2.x's change to the full contact, a sender was only these four.
  if (legacy_sender_) return {{"id", c.id}, {"name", c.name}, {"avatar", ""}, {"type", "contact"}};
  return {{"additional_attributes", c.additional_attributes},
          {"avatar", ""},
          {"custom_attributes", c.custom_attributes},
          {"email", text_or_null(c.email)},
          {"id", c.id},
          {"identifier", text_or_null(c.identifier)},
          {"name", c.name},
          {"phone_number", text_or_null(c.phone_number)},
          {"thumbnail", ""},
          {"blocked", false}};
}

json::object chatwoot_store::contact_model(const contact& c) const {
  return {{"additional_attributes", c.additional_attributes},
          {"availability_status", "offline"},
          {"email", text_or_null(c.email)},
          {"id", c.id},
          {"name", c.name},
          {"phone_number", text_or_null(c.phone_number)},
          {"blocked", false},
          {"identifier", text_or_null(c.identifier)},
          {"thumbnail", ""},
          {"custom_attributes", c.custom_attributes},
          {"last_activity_at", unix_seconds(c.last_activity_at)},
          {"created_at", unix_seconds(c.created_at)}};
}

json::value chatwoot_store::sender_push_event_data(const sender_ref& s) const {
  switch (s.kind) {
    case sender_kind::contact: return contact_push_event_data(contacts_.at(s.id));
    case sender_kind::agent_bot:
      return json::object{{"id", settings_.bot_id}, {"name", settings_.bot_name}, {"avatar_url", ""}, {"type", "agent_bot"}};
    case sender_kind::user:
      return json::object{{"id", settings_.user_id},
                          {"name", settings_.user_name},
                          {"available_name", settings_.user_name},
                          {"avatar_url", ""},
                          {"type", "user"},
                          {"availability_status", "online"},
                          {"thumbnail", ""}};
    case sender_kind::none: break;
  }
  return nullptr;
}

json::value chatwoot_store::sender_webhook_data(const sender_ref& s) const {
  switch (s.kind) {
    case sender_kind::contact: return contact_webhook_data(contacts_.at(s.id));
    case sender_kind::agent_bot:
      return json::object{{"id", settings_.bot_id}, {"name", settings_.bot_name}, {"type", "agent_bot"}};
    case sender_kind::user:
      return json::object{
          {"id", settings_.user_id}, {"name", settings_.user_name}, {"email", settings_.user_email}, {"type", "user"}};
    case sender_kind::none: break;
  }
  return nullptr;
}

json::object chatwoot_store::message_push_event_data(const message& m) const {
  const auto& c = conversations_.at(m.conversation_id);
  const auto& who = contacts_.at(c.contact_id);
  json::object data{{"id", m.id},
                    {"content", text_or_null(m.content)},
                    {"account_id", settings_.account_id},
                    {"inbox_id", settings_.inbox_id},
                    {"conversation_id", m.conversation_id},
                    {"message_type", static_cast<int>(m.type)},
                    {"created_at", unix_seconds(m.created_at)},
                    {"updated_at", iso_millis(m.updated_at)},
                    {"private", m.is_private},
                    {"status", m.status},
                    {"source_id", text_or_null(m.source_id)},
                    {"content_type", m.content_type},
                    {"content_attributes", m.content_attributes},
                    {"sender_type", m.sender.kind == sender_kind::none ? json::value(nullptr)
                                                                        : json::value(sender_type_name(m.sender.kind))},
                    {"sender_id", m.sender.kind == sender_kind::none ? json::value(nullptr) : json::value(m.sender.id)},
                    {"external_source_ids", json::object{}},
                    {"additional_attributes", m.additional_attributes},
                    {"processed_message_content", text_or_null(m.content)},
                    {"sentiment", json::object{}},
                    {"conversation",
                     json::object{{"assignee_id", nullptr},
                                  {"unread_count", unread_count(c)},
                                  {"last_activity_at", unix_seconds(c.last_activity_at)},
                                  {"contact_inbox", json::object{{"source_id", who.source_id}}}}}};
  if (m.echo_id) data["echo_id"] = *m.echo_id;
  if (m.sender.kind != sender_kind::none) data["sender"] = sender_push_event_data(m.sender);
  if (!m.attachments.empty()) data["attachments"] = attachments_json(m);
  return data;
}

json::array chatwoot_store::attachments_json(const message& m) const {
  // Attachment#push_event_data, with made-up storage URLs.
  json::array out;
  for (std::size_t i = 0; i < m.attachments.size(); ++i) {
    const auto id = m.id * 10 + static_cast<std::int64_t>(i);
    const auto url = "http://sandbox.invalid/rails/active_storage/blobs/" + std::to_string(id) + "/attachment";
    out.push_back(json::object{{"id", id},
                               {"message_id", m.id},
                               {"file_type", m.attachments[i]},
                               {"account_id", settings_.account_id},
                               {"extension", nullptr},
                               {"data_url", url},
                               {"thumb_url", url},
                               {"file_size", 48213}});
  }
  return out;
}

json::object chatwoot_store::message_model(const message& m) const {
  json::object data{{"id", m.id}, {"content", text_or_null(m.content)}, {"inbox_id", settings_.inbox_id}};
  if (m.echo_id) data["echo_id"] = *m.echo_id;
  data["conversation_id"] = m.conversation_id;
  data["message_type"] = static_cast<int>(m.type);
  data["content_type"] = m.content_type;
  data["status"] = m.status;
  data["content_attributes"] = m.content_attributes;
  data["created_at"] = unix_seconds(m.created_at);
  data["private"] = m.is_private;
  data["source_id"] = text_or_null(m.source_id);
  if (m.sender.kind != sender_kind::none) data["sender"] = sender_push_event_data(m.sender);
  if (!m.attachments.empty()) data["attachments"] = attachments_json(m);
  return data;
}

json::object chatwoot_store::message_webhook_data(const message& m, instant now) const {
  json::object data{{"account", json::object{{"id", settings_.account_id}, {"name", settings_.account_name}}},
    {"additional_attributes", m.additional_attributes},
    {"content_attributes", m.content_attributes},
    {"content_type", m.content_type},
    {"content", text_or_null(m.content)},
    {"conversation", conversation_push_data(conversations_.at(m.conversation_id), now)},
    {"created_at", iso_millis(m.created_at)},
    {"id", m.id},
    {"inbox", json::object{{"id", settings_.inbox_id}, {"name", settings_.inbox_name}}},
    {"message_type", to_string(m.type)},
    {"private", m.is_private},
    {"sender", sender_webhook_data(m.sender)},
    {"source_id", text_or_null(m.source_id)}};
  if (!m.attachments.empty()) data["attachments"] = attachments_json(m);
  return data;
}

json::object chatwoot_store::contact_inbox_json(const contact& c) const {
  return {{"id", c.contact_inbox_id},
          {"contact_id", c.id},
          {"inbox_id", settings_.inbox_id},
          {"source_id", c.source_id},
          {"created_at", iso_millis(c.created_at)},
          {"updated_at", iso_millis(c.created_at)},
          {"hmac_verified", false}};
}

bool chatwoot_store::can_reply(const conversation& c, instant now) const {
  // Conversations::MessageWindowService: WhatsApp allows free text for 24 h.
  return c.last_incoming_at && now - *c.last_incoming_at <= 24h;
}

int chatwoot_store::unread_count(const conversation& c) const {
  // Incoming messages since agent_last_seen_at, which no agent ever sets here.
  int count = 0;
  for (auto id : c.message_ids)
    if (messages_.at(id).type == message_type::incoming) ++count;
  return count;
}

const message* chatwoot_store::last_chat_message(const conversation& c) const {
  // Message.chat: neither activity nor private.
  for (auto it = c.message_ids.rbegin(); it != c.message_ids.rend(); ++it) {
    const auto& m = messages_.at(*it);
    if (m.type != message_type::activity && !m.is_private) return &m;
  }
  return nullptr;
}

json::object chatwoot_store::conversation_push_data(const conversation& c, instant now) const {
  const auto& who = contacts_.at(c.contact_id);
  json::array messages;
  if (const auto* last = last_chat_message(c)) messages.push_back(message_push_event_data(*last));
  json::array labels;
  for (const auto& l : c.labels) labels.emplace_back(l);
  return {{"additional_attributes", c.additional_attributes},
          {"can_reply", can_reply(c, now)},
          {"channel", "Channel::Whatsapp"},
          {"contact_inbox", contact_inbox_json(who)},
          {"id", c.id},
          {"inbox_id", settings_.inbox_id},
          {"messages", std::move(messages)},
          {"labels", std::move(labels)},
          {"meta",
           json::object{{"sender", contact_push_event_data(who)},
                        {"assignee", nullptr},
                        {"team", nullptr},
                        {"hmac_verified", false}}},
          {"status", c.status},
          {"custom_attributes", c.custom_attributes},
          {"snoozed_until", nullptr},
          {"unread_count", unread_count(c)},
          {"first_reply_created_at", iso_or_null(c.first_reply_created_at)},
          {"priority", nullptr},
          {"waiting_since", c.waiting_since ? unix_seconds(*c.waiting_since) : 0},
          {"agent_last_seen_at", 0},
          {"contact_last_seen_at", 0},
          {"last_activity_at", unix_seconds(c.last_activity_at)},
          {"timestamp", unix_seconds(c.last_activity_at)},
          {"created_at", unix_seconds(c.created_at)},
          {"updated_at", unix_float(c.updated_at)}};
}

json::object chatwoot_store::conversation_model(const conversation& c, instant now) const {
  const auto& who = contacts_.at(c.contact_id);
  json::array messages;
  if (!c.message_ids.empty()) messages.push_back(message_push_event_data(messages_.at(c.message_ids.back())));
  json::array labels;
  for (const auto& l : c.labels) labels.emplace_back(l);
  json::value last_non_activity = nullptr;
  for (auto it = c.message_ids.rbegin(); it != c.message_ids.rend(); ++it) {
    if (messages_.at(*it).type != message_type::activity) {
      last_non_activity = message_push_event_data(messages_.at(*it));
      break;
    }
  }
  return {{"meta",
           json::object{{"sender", contact_model(who)}, {"channel", "Channel::Whatsapp"}, {"hmac_verified", false}}},
          {"id", c.id},
          {"messages", std::move(messages)},
          {"account_id", settings_.account_id},
          {"uuid", c.uuid},
          {"additional_attributes", c.additional_attributes},
          {"agent_last_seen_at", 0},
          {"assignee_last_seen_at", 0},
          {"can_reply", can_reply(c, now)},
          {"contact_last_seen_at", 0},
          {"custom_attributes", c.custom_attributes},
          {"inbox_id", settings_.inbox_id},
          {"labels", std::move(labels)},
          {"muted", false},
          {"snoozed_until", nullptr},
          {"status", c.status},
          {"created_at", unix_seconds(c.created_at)},
          {"updated_at", unix_float(c.updated_at)},
          {"timestamp", unix_seconds(c.last_activity_at)},
          {"first_reply_created_at", c.first_reply_created_at ? unix_seconds(*c.first_reply_created_at) : 0},
          {"unread_count", unread_count(c)},
          {"last_non_activity_message", std::move(last_non_activity)},
          {"last_activity_at", unix_seconds(c.last_activity_at)},
          {"priority", nullptr},
          {"waiting_since", c.waiting_since ? unix_seconds(*c.waiting_since) : 0},
          {"sla_policy_id", nullptr}};
}

}  // namespace tutorbot::sandbox::chatwoot
