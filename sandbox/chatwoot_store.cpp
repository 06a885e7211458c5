#include "sandbox/chatwoot_store.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/whatsapp_text.hpp"
#include "sandbox/chatwoot_params.hpp"

namespace tutorbot::sandbox::chatwoot {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string_view to_string(message_type type) {
  switch (type) {
    case message_type::incoming: return "incoming";
    case message_type::outgoing: return "outgoing";
    case message_type::activity: return "activity";
    case message_type::template_message: return "template";
  }
  return "incoming";
}

chatwoot_store::chatwoot_store(store_settings settings)
    : settings_(std::move(settings)), random_(settings_.seed ? *settings_.seed : std::random_device{}()) {
  // Unseeded (a demo, `tutorbot sandbox`): ids continue from the clock, as a real account's
  // never repeat, so a restarted sandbox does not hand tutorbot ids it has already seen.
  if (!settings_.seed) {
    const auto base = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count() % 100'000'000;
    next_contact_ += base;
    next_contact_inbox_ += base;
    next_conversation_ += base;
    next_message_ += base * 100;
  }
}

conversation* chatwoot_store::find(std::int64_t id) {
  auto it = conversations_.find(id);
  return it == conversations_.end() ? nullptr : &it->second;
}

const conversation* chatwoot_store::find(std::int64_t id) const {
  auto it = conversations_.find(id);
  return it == conversations_.end() ? nullptr : &it->second;
}

std::string chatwoot_store::name_of(const sender_ref& s) const {
  switch (s.kind) {
    case sender_kind::agent_bot: return settings_.bot_name;
    case sender_kind::user: return settings_.user_name;
    case sender_kind::contact: {
      auto it = contacts_.find(s.id);
      return it == contacts_.end() ? std::string{} : it->second.name;
    }
    case sender_kind::none: break;
  }
  return {};
}

conversation& chatwoot_store::new_conversation(const contact& who, instant now) {
  conversation c;
  c.id = next_conversation_++;
  c.uuid = new_uuid(random_);
  c.contact_id = who.id;
  c.status = "pending";  // the inbox has an active agent bot
  c.created_at = c.updated_at = c.last_activity_at = now;
  return conversations_.emplace(c.id, std::move(c)).first->second;
}

message& chatwoot_store::add_message(conversation& c, message m, instant now) {
  m.id = next_message_++;
  m.conversation_id = c.id;
  m.created_at = m.updated_at = now;
  c.message_ids.push_back(m.id);
  c.last_activity_at = c.updated_at = now;
  return messages_.emplace(m.id, std::move(m)).first->second;
}

void chatwoot_store::add_activity(conversation& c, std::string content, instant now) {
  message m;
  m.type = message_type::activity;
  m.content = std::move(content);
  add_message(c, std::move(m), now);  // activity messages are not webhook_sendable?
}

void chatwoot_store::change_status(conversation& c, const std::string& status, sender_ref by, instant now) {
  if (c.status == status) return;
  c.status = status;
  c.updated_at = now;
  // config/locales/en.yml conversations.activity.status.*, written only when someone
  // (Current.user) made the change.
  if (by.kind == sender_kind::agent_bot || by.kind == sender_kind::user) {
    const auto who = name_of(by);
    if (status == "resolved") add_activity(c, "Conversation was marked resolved by " + who, now);
    if (status == "open") add_activity(c, "Conversation was reopened by " + who, now);
    if (status == "pending") add_activity(c, "Conversation was marked as pending by " + who, now);
    if (status == "snoozed") add_activity(c, "Conversation was snoozed by " + who, now);
  }
  auto payload = conversation_push_data(c, now);
  payload["event"] = "conversation_status_changed";
  webhooks_.push_back({"conversation_status_changed", std::move(payload), 0, c.id});
}

void chatwoot_store::emit_message_created(const message& m, instant now) {
  // Message#webhook_sendable?: incoming, outgoing and template; private notes included.
  if (m.type == message_type::activity) return;
  auto payload = message_webhook_data(m, now);
  payload["event"] = "message_created";
  webhooks_.push_back({"message_created", std::move(payload), m.id, m.conversation_id});
}

void chatwoot_store::emit_message_updated(const message& m, instant now) {
  // Message#send_update_event: the same webhook_data, no status field; a failure shows only
  // in content_attributes.external_error.
  auto payload = message_webhook_data(m, now);
  payload["event"] = "message_updated";
  webhooks_.push_back({"message_updated", std::move(payload), m.id, m.conversation_id});
}

std::vector<pending_webhook> chatwoot_store::take_webhooks() {
  std::vector<pending_webhook> out;
  out.swap(webhooks_);
  return out;
}

std::variant<opened_conversation, std::string> chatwoot_store::open_conversation(const std::string& phone,
                                                                                 const std::string& name,
                                                                                 const std::string& email,
                                                                                 instant now) {
  std::string digits;
  bool plus = false;
  for (char ch : phone) {
    if (std::isdigit(static_cast<unsigned char>(ch))) {
      digits.push_back(ch);
    } else if (ch == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (ch != ' ' && ch != '-' && ch != '(' && ch != ')') {
      return "phone must be an E.164 number such as +31612345678, got \"" + phone + "\"";
    }
  }
  if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0')
    return "phone must be an E.164 number such as +31612345678, got \"" + phone + "\"";
  const std::string e164 = "+" + digits;
  const std::string mail = lower_trimmed(email);
  if (!mail.empty() && !valid_email(mail)) return "email is not an e-mail address: \"" + email + "\"";

  auto existing = std::find_if(contacts_.begin(), contacts_.end(),
                               [&](const auto& entry) { return entry.second.phone_number == e164; });
  if (existing != contacts_.end()) {
    const auto& who = existing->second;
    // WhatsApp routes a known number to its latest unresolved conversation.
    for (auto it = conversations_.rbegin(); it != conversations_.rend(); ++it)
      if (it->second.contact_id == who.id && it->second.status != "resolved")
        return opened_conversation{it->second.id, who.id, who.source_id, false};
    return opened_conversation{new_conversation(who, now).id, who.id, who.source_id, true};
  }
  contact who;
  who.id = next_contact_++;
  who.name = name.empty() ? e164 : name;  // WhatsApp's profile name, else the number
  if (!mail.empty()) who.email = mail;
  who.phone_number = e164;
  who.created_at = who.last_activity_at = now;
  who.contact_inbox_id = next_contact_inbox_++;
  who.source_id = digits;  // the wa_id WhatsApp Cloud reports
  const auto& stored = contacts_.emplace(who.id, std::move(who)).first->second;
  return opened_conversation{new_conversation(stored, now).id, stored.id, stored.source_id, true};
}

bool chatwoot_store::make_undeliverable(std::int64_t conversation_id) {
  auto* c = find(conversation_id);
  if (!c) return false;
  c->undeliverable = true;
  return true;
}

std::optional<incoming_result> chatwoot_store::incoming(std::int64_t conversation_id, const std::string& content,
                                                        instant now, const std::string& attachment) {
  auto* c = find(conversation_id);
  if (!c) return std::nullopt;
  auto& who = contacts_.at(c->contact_id);
  // Whatsapp::IncomingMessageBaseService#set_conversation.
  if (c->status == "resolved" && !settings_.lock_to_single_conversation) c = &new_conversation(who, now);

  message m;
  m.type = message_type::incoming;
  if (!content.empty() || attachment.empty()) m.content = content;  // a photo without caption: null
  if (!attachment.empty()) m.attachments.push_back(attachment);
  m.source_id = new_wamid(random_);
  m.sender = {sender_kind::contact, who.id};
  auto& stored = add_message(*c, std::move(m), now);
  // Message#reopen_conversation: a bot inbox's resolved conversation goes back to the bot.
  if (c->status == "snoozed") change_status(*c, "open", {}, now);
  if (c->status == "resolved") change_status(*c, "pending", {}, now);
  c->last_incoming_at = now;
  if (!c->waiting_since) c->waiting_since = now;
  who.last_activity_at = now;
  emit_message_created(stored, now);
  return incoming_result{c->id, stored.id};
}

void chatwoot_store::bot_webhook_failed(std::int64_t message_id, instant now) {
  auto m = messages_.find(message_id);
  if (m == messages_.end()) return;
  auto* c = find(m->second.conversation_id);
  if (!c || c->status != "pending") return;
  change_status(*c, "open", {}, now);
  // config/locales/en.yml conversations.activity.agent_bot.error_moved_to_open
  add_activity(*c, "Conversation was marked open by system due to an error with the agent bot.", now);
}

std::string chatwoot_store::whatsapp_refusal(const conversation& c, const message& m, instant now) const {
  const auto* template_params = m.additional_attributes.if_contains("template_params");
  if (template_params) {
    const auto* name = template_params->is_object() ? template_params->as_object().if_contains("name") : nullptr;
    if (!name || !name->is_string() || name->as_string().empty())
      return "(#132001) Template name does not exist in the translation";
    return {};
  }
  if (c.undeliverable) return "131026: Message undeliverable";
  // Meta's 24-hour customer service window: free-form messages only within 24 h of the
  // customer's last message.
  if (!c.last_incoming_at || now - *c.last_incoming_at > 24h) return "131047: Re-engagement message";
  const std::string body = m.content.value_or("");
  const auto length = domain::count_code_points(body);
  if (m.content_type == "input_select") {
    const auto& items = m.content_attributes.at("items").as_array();
    const auto limit = items.size() <= domain::whatsapp_max_buttons ? domain::whatsapp_button_title_limit
                                                                    : domain::whatsapp_list_title_limit;
    bool ok = items.size() <= domain::whatsapp_max_list_rows && length > 0 &&
              length <= domain::whatsapp_interactive_body_limit;
    for (const auto& item : items) {
      const auto* title = item.as_object().if_contains("title");
      if (!title || !title->is_string() || title->as_string().empty() ||
          domain::count_code_points(std::string_view(title->as_string())) > limit)
        ok = false;
    }
    return ok ? std::string{} : "(#131009) Parameter value is not valid";
  }
  if (length == 0) return "(#100) The parameter text['body'] is required.";
  if (length > domain::whatsapp_text_limit) return "(#100) Param text['body'] must be at most 4096 characters long.";
  return {};
}

std::optional<transcript> chatwoot_store::transcript_of(std::int64_t conversation_id) const {
  const auto* c = find(conversation_id);
  if (!c) return std::nullopt;
  transcript t;
  t.conversation_id = c->id;
  t.status = c->status;
  t.labels = c->labels;
  for (auto id : c->message_ids) {
    const auto& m = messages_.at(id);
    if (m.is_private || m.type == message_type::activity) continue;
    transcript_line line;
    line.id = m.id;
    line.from = m.type == message_type::incoming         ? "student"
                : m.sender.kind == sender_kind::user ? "agent"
                                                     : "bot";
    line.content = m.content.value_or("");
    line.content_type = m.content_type;
    if (m.content_type == "input_select") {
      if (const auto* items = m.content_attributes.if_contains("items"); items && items->is_array())
        for (const auto& item : items->as_array())
          if (const auto* title = item.as_object().if_contains("title"); title && title->is_string())
            line.options.emplace_back(title->as_string());
    }
    if (m.status == "failed") {
      const auto* error = m.content_attributes.if_contains("external_error");
      line.error = error && error->is_string() ? std::string(error->as_string()) : std::string{};
      t.undelivered.push_back(std::move(line));
    } else {
      t.messages.push_back(std::move(line));
    }
  }
  return t;
}

json::array chatwoot_store::conversation_list() const {
  json::array out;
  for (const auto& [id, c] : conversations_) {
    const auto& who = contacts_.at(c.contact_id);
    json::array labels;
    for (const auto& l : c.labels) labels.emplace_back(l);
    out.push_back(json::object{{"id", id},
                               {"status", c.status},
                               {"contact_id", who.id},
                               {"name", who.name},
                               {"phone_number", who.phone_number.value_or("")},
                               {"labels", std::move(labels)},
                               {"messages", c.message_ids.size()}});
  }
  return out;
}

}  // namespace tutorbot::sandbox::chatwoot
