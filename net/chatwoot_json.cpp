#include "net/chatwoot_json.hpp"

#include <cmath>
#include <limits>

#include <boost/json.hpp>

#include "domain/instant.hpp"
#include "net/chatwoot_readers.hpp"
#include "net/integer_text.hpp"
#include "net/json_fields.hpp"

namespace tutorbot::net {

namespace json = boost::json;
using namespace std::chrono;

std::string_view to_string(chatwoot_message_type t) {
  switch (t) {
    case chatwoot_message_type::incoming: return "incoming";
    case chatwoot_message_type::outgoing: return "outgoing";
    case chatwoot_message_type::activity: return "activity";
    case chatwoot_message_type::template_message: return "template";
    case chatwoot_message_type::unknown: break;
  }
  return "unknown";
}

std::string_view to_string(chatwoot_sender_type t) {
  switch (t) {
    case chatwoot_sender_type::contact: return "contact";
    case chatwoot_sender_type::user: return "user";
    case chatwoot_sender_type::agent_bot: return "agent_bot";
    case chatwoot_sender_type::unknown: break;
  }
  return "unknown";
}

std::string_view to_string(chatwoot_status s) {
  switch (s) {
    case chatwoot_status::open: return "open";
    case chatwoot_status::pending: return "pending";
    case chatwoot_status::resolved: return "resolved";
    case chatwoot_status::snoozed: return "snoozed";
    case chatwoot_status::unknown: break;
  }
  return "unknown";
}

std::string_view to_string(chatwoot_event_kind kind) {
  switch (kind) {
    case chatwoot_event_kind::message_created: return "message_created";
    case chatwoot_event_kind::message_updated: return "message_updated";
    case chatwoot_event_kind::conversation_created: return "conversation_created";
    case chatwoot_event_kind::conversation_status_changed: return "conversation_status_changed";
    case chatwoot_event_kind::conversation_opened: return "conversation_opened";
    case chatwoot_event_kind::conversation_resolved: return "conversation_resolved";
    case chatwoot_event_kind::conversation_updated: return "conversation_updated";
    case chatwoot_event_kind::webwidget_triggered: return "webwidget_triggered";
    case chatwoot_event_kind::other: break;
  }
  return "other";
}

namespace chatwoot_readers {

namespace {

std::optional<std::int64_t> as_int(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return static_cast<std::int64_t>(v.as_uint64());
  if (v.is_double()) {
    double d = v.as_double();
    if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 9.0e15) return static_cast<std::int64_t>(d);
  }
  if (v.is_string()) return integer_text(v.as_string());  // ids relayed as text by a proxy
  return std::nullopt;
}

}  // namespace

std::int64_t int_at(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v ? as_int(*v).value_or(0) : 0;
}

chatwoot_attributes attributes_at(const json::object& o, std::string_view name) {
  chatwoot_attributes out;
  if (const auto* m = object_at(o, name))
    for (const auto& [k, v] : *m) {
      if (v.is_null()) continue;
      out[std::string(k)] = v.is_string() ? std::string(v.as_string()) : json::serialize(v);
    }
  return out;
}

std::vector<std::string> strings_of(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (const auto& item : v->as_array())
      if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

namespace {

// Unix seconds (the API, conversation.messages[]) or ISO 8601 with milliseconds (the
// webhook's top-level created_at, "2021-07-23T18:02:48.000Z"); epoch when neither.
sys_seconds time_at(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v) return {};
  if (v->is_string()) {
    std::string text(v->as_string());
    if (auto number = integer_text(text)) return sys_seconds{seconds{*number}};
    if (text.size() > 20 && text[19] == '.') {  // parse_rfc3339 takes whole seconds only
      std::size_t end = 20;
      while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
      text.erase(19, end - 19);
    }
    return domain::parse_rfc3339(text).value_or(sys_seconds{});
  }
  return sys_seconds{seconds{as_int(*v).value_or(0)}};
}

chatwoot_message_type message_type_of(const json::value* v) {
  if (!v) return chatwoot_message_type::unknown;
  if (v->is_string()) return parse_chatwoot_message_type(v->as_string());
  if (auto n = as_int(*v)) return parse_chatwoot_message_type(std::to_string(*n));
  return chatwoot_message_type::unknown;
}

chatwoot_sender_type sender_type_of(std::string_view text) {
  // push_event_data says "contact"/"user"/"agent_bot"; messages[].sender_type the class name.
  if (text == "contact" || text == "Contact") return chatwoot_sender_type::contact;
  if (text == "user" || text == "User") return chatwoot_sender_type::user;
  if (text == "agent_bot" || text == "AgentBot") return chatwoot_sender_type::agent_bot;
  return chatwoot_sender_type::unknown;
}

}  // namespace

chatwoot_sender sender_from(const json::object& o) {
  chatwoot_sender s;
  s.id = int_at(o, "id");
  s.name = string_at(o, "name");
  s.email = string_at(o, "email");
  s.phone_number = string_at(o, "phone_number");
  s.identifier = string_at(o, "identifier");
  s.custom_attributes = attributes_at(o, "custom_attributes");
  s.additional_attributes = attributes_at(o, "additional_attributes");
  s.type = sender_type_of(string_at(o, "type"));
  // Contact#webhook_data has no "type" (User and AgentBot say theirs): recognise a contact
  // by fields only contacts have.
  if (s.type == chatwoot_sender_type::unknown && !o.contains("type"))
    for (std::string_view key : {"phone_number", "identifier", "custom_attributes", "thumbnail", "blocked"})
      if (o.contains(key)) s.type = chatwoot_sender_type::contact;
  return s;
}

namespace {

// The old webhook sender {id, name, avatar, type} lacks the contact's details; the
// conversation's meta.sender has them when it is the same contact.
void complete_from(chatwoot_sender& sender, const chatwoot_sender& contact) {
  if (sender.id == 0 || sender.id != contact.id) return;
  if (sender.type == chatwoot_sender_type::unknown) sender.type = contact.type;
  if (sender.type != chatwoot_sender_type::contact || contact.type != chatwoot_sender_type::contact) return;
  if (sender.name.empty()) sender.name = contact.name;
  if (sender.email.empty()) sender.email = contact.email;
  if (sender.phone_number.empty()) sender.phone_number = contact.phone_number;
  if (sender.identifier.empty()) sender.identifier = contact.identifier;
  sender.custom_attributes.insert(contact.custom_attributes.begin(), contact.custom_attributes.end());
  sender.additional_attributes.insert(contact.additional_attributes.begin(), contact.additional_attributes.end());
}

}  // namespace

chatwoot_conversation conversation_from(const json::object& o) {
  chatwoot_conversation c;
  c.id = domain::conversation_id{int_at(o, "id")};
  c.account_id = int_at(o, "account_id");
  if (const auto* account = object_at(o, "account"); account && c.account_id == 0) c.account_id = int_at(*account, "id");
  c.inbox_id = int_at(o, "inbox_id");
  c.status = parse_chatwoot_status(string_at(o, "status"));
  c.channel = string_at(o, "channel");
  c.labels = strings_of(o.if_contains("labels"));
  c.custom_attributes = attributes_at(o, "custom_attributes");
  auto activity = int_at(o, "timestamp");
  if (activity == 0) activity = int_at(o, "last_activity_at");
  c.last_activity_at = std::chrono::sys_seconds{std::chrono::seconds{activity}};
  if (const auto* inbox = object_at(o, "contact_inbox")) {
    c.source_id = string_at(*inbox, "source_id");
    c.contact_id = int_at(*inbox, "contact_id");
    if (c.inbox_id == 0) c.inbox_id = int_at(*inbox, "inbox_id");
  }
  if (const auto* meta = object_at(o, "meta")) {
    if (c.channel.empty()) c.channel = string_at(*meta, "channel");  // the API puts it in meta
    if (const auto* sender = object_at(*meta, "sender")) {
      c.contact = sender_from(*sender);
      if (c.contact->type == chatwoot_sender_type::unknown) c.contact->type = chatwoot_sender_type::contact;
      if (c.contact_id == 0) c.contact_id = c.contact->id;
    }
  }
  return c;
}

chatwoot_message message_from(const json::object& o) {
  chatwoot_message m;
  m.id = int_at(o, "id");
  m.conversation_id = domain::conversation_id{int_at(o, "conversation_id")};
  m.content = string_at(o, "content");
  m.message_type = message_type_of(o.if_contains("message_type"));
  if (auto type = string_at(o, "content_type"); !type.empty()) m.content_type = std::move(type);
  m.private_note = bool_at(o, "private");
  m.created_at = time_at(o, "created_at");
  m.source_id = string_at(o, "source_id");
  if (const auto* sender = object_at(o, "sender")) m.sender = sender_from(*sender);
  if (const auto* list = o.if_contains("attachments"); list && list->is_array())
    for (const auto& item : list->as_array())
      if (item.is_object()) {
        const auto& a = item.as_object();
        m.attachments.push_back({int_at(a, "id"), string_at(a, "file_type"), string_at(a, "data_url")});
      }
  if (const auto* attributes = object_at(o, "content_attributes")) {
    m.external_error = string_at(*attributes, "external_error");
    if (const auto* items = attributes->if_contains("items"); items && items->is_array())
      for (const auto& item : items->as_array())
        if (item.is_object()) m.option_titles.push_back(string_at(item.as_object(), "title"));
  }
  if (const auto* attributes = object_at(o, "additional_attributes"))
    m.whatsapp_template = attributes->contains("template_params");
  return m;
}

std::variant<json::object, chatwoot_parse_error> parse_object(std::string_view body, std::string_view what) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return chatwoot_parse_error{std::string(what) + " is not JSON: " + ec.message()};
  if (!doc.is_object()) return chatwoot_parse_error{std::string(what) + " is not a JSON object"};
  return std::move(doc.as_object());
}

}  // namespace chatwoot_readers

namespace {

chatwoot_event_kind kind_of(std::string_view name) {
  for (auto kind : {chatwoot_event_kind::message_created, chatwoot_event_kind::message_updated,
                    chatwoot_event_kind::conversation_created, chatwoot_event_kind::conversation_status_changed,
                    chatwoot_event_kind::conversation_opened, chatwoot_event_kind::conversation_resolved,
                    chatwoot_event_kind::conversation_updated, chatwoot_event_kind::webwidget_triggered})
    if (name == to_string(kind)) return kind;
  return chatwoot_event_kind::other;
}

bool is_message_event(chatwoot_event_kind kind) {
  return kind == chatwoot_event_kind::message_created || kind == chatwoot_event_kind::message_updated;
}

}  // namespace

using namespace chatwoot_readers;

chatwoot_message_type parse_chatwoot_message_type(std::string_view text) {
  if (text == "incoming" || text == "0") return chatwoot_message_type::incoming;
  if (text == "outgoing" || text == "1") return chatwoot_message_type::outgoing;
  if (text == "activity" || text == "2") return chatwoot_message_type::activity;
  if (text == "template" || text == "3") return chatwoot_message_type::template_message;
  return chatwoot_message_type::unknown;
}

chatwoot_status parse_chatwoot_status(std::string_view text) {
  for (auto s : {chatwoot_status::open, chatwoot_status::pending, chatwoot_status::resolved, chatwoot_status::snoozed})
    if (text == to_string(s)) return s;
  return chatwoot_status::unknown;
}

std::variant<chatwoot_event, chatwoot_parse_error> parse_chatwoot_webhook(std::string_view body) {
  auto doc = parse_object(body, "webhook");
  if (auto* error = std::get_if<chatwoot_parse_error>(&doc)) return std::move(*error);
  const auto& o = std::get<json::object>(doc);
  chatwoot_event e;
  e.name = string_at(o, "event");
  if (e.name.empty()) return chatwoot_parse_error{"webhook without an event name"};
  e.kind = kind_of(e.name);
  std::int64_t account_id = 0;
  if (const auto* account = object_at(o, "account")) account_id = int_at(*account, "id");

  if (is_message_event(e.kind)) {
    chatwoot_message m = message_from(o);
    if (m.id == 0) return chatwoot_parse_error{e.name + " without a message id"};
    const auto* conversation = object_at(o, "conversation");
    if (!conversation) return chatwoot_parse_error{e.name + " " + std::to_string(m.id) + " without a conversation"};
    chatwoot_conversation c = conversation_from(*conversation);
    if (c.id.value == 0)
      return chatwoot_parse_error{e.name + " " + std::to_string(m.id) + " without a conversation id"};
    if (c.account_id == 0) c.account_id = account_id;
    m.conversation_id = c.id;
    if (m.sender && c.contact) complete_from(*m.sender, *c.contact);
    e.message = std::move(m);
    e.conversation = std::move(c);
    return e;
  }

  if (e.kind == chatwoot_event_kind::webwidget_triggered) {
    if (const auto* current = object_at(o, "current_conversation")) {
      chatwoot_conversation c = conversation_from(*current);
      if (c.account_id == 0) c.account_id = account_id;
      if (c.id.value != 0) e.conversation = std::move(c);
    }
    return e;
  }

  if (e.kind != chatwoot_event_kind::other) {
    // Conversation events carry Conversation#webhook_data at the top level.
    chatwoot_conversation c = conversation_from(o);
    if (c.id.value == 0) return chatwoot_parse_error{e.name + " without a conversation id"};
    if (c.account_id == 0) c.account_id = account_id;
    e.changed_attributes = [&] {
      std::vector<std::string> names;
      // [{"status": {"previous_value": …, "current_value": …}}, …]
      if (const auto* list = o.if_contains("changed_attributes"); list && list->is_array())
        for (const auto& item : list->as_array())
          if (item.is_object())
            for (const auto& [k, v] : item.as_object()) names.emplace_back(k);
      return names;
    }();
    e.conversation = std::move(c);
  }
  return e;
}

bool is_student_message(const chatwoot_message& message) {
  return message.message_type == chatwoot_message_type::incoming && !message.private_note && message.sender &&
         message.sender->type == chatwoot_sender_type::contact;
}

bool is_refused_bot_message(const chatwoot_event& event) {
  if (event.kind != chatwoot_event_kind::message_updated || !event.message) return false;
  const auto& m = *event.message;
  const bool outgoing = m.message_type == chatwoot_message_type::outgoing ||
                        m.message_type == chatwoot_message_type::template_message;
  return outgoing && !m.private_note && !m.external_error.empty() && m.sender &&
         m.sender->type == chatwoot_sender_type::agent_bot;
}

bool is_from_student(const chatwoot_event& event) {
  return event.kind == chatwoot_event_kind::message_created && event.message && is_student_message(*event.message);
}

}  // namespace tutorbot::net
