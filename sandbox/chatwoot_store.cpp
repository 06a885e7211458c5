#include "sandbox/chatwoot_store.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/whatsapp_text.hpp"

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

namespace {

// A scalar parameter as Rails' params hands it over: strings as they are, numbers and
// booleans as their text; nullopt for null, objects, arrays and absence.
std::optional<std::string> text_param(const json::object& params, std::string_view key) {
  const auto* v = params.if_contains(key);
  if (!v || v->is_null() || v->is_object() || v->is_array()) return std::nullopt;
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

bool blank(const std::optional<std::string>& text) {
  return !text || text->find_first_not_of(" \t\r\n") == std::string::npos;
}

// ActiveModel::Type::Boolean: blank is nil (false here), FALSE_VALUES false, the rest true.
bool rails_boolean(const json::object& params, std::string_view key) {
  const auto* v = params.if_contains(key);
  if (!v || v->is_null()) return false;
  if (v->is_bool()) return v->as_bool();
  const auto text = text_param(params, key);
  if (blank(text)) return false;
  static constexpr std::array<std::string_view, 7> falsy = {"0", "f", "F", "false", "FALSE", "off", "OFF"};
  return std::find(falsy.begin(), falsy.end(), *text) == falsy.end();
}

// String#to_i: leading digits after optional blanks and sign, else 0.
std::int64_t rails_to_i(const std::string& text) {
  std::size_t i = text.find_first_not_of(" \t\r\n");
  if (i == std::string::npos) return 0;
  bool negative = false;
  if (text[i] == '-' || text[i] == '+') negative = text[i++] == '-';
  std::int64_t value = 0;
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (value > (INT64_MAX - 9) / 10) break;
    value = value * 10 + (text[i] - '0');
  }
  return negative ? -value : value;
}

std::optional<message_type> parse_message_type(const std::string& text) {
  if (text == "incoming" || text == "0") return message_type::incoming;
  if (text == "outgoing" || text == "1") return message_type::outgoing;
  if (text == "activity" || text == "2") return message_type::activity;
  if (text == "template" || text == "3") return message_type::template_message;
  return std::nullopt;
}

bool known_content_type(const std::string& type) {
  static constexpr std::array<std::string_view, 13> types = {
      "text",    "input_text", "input_textarea", "input_email", "input_select", "cards",    "form",
      "article", "incoming_email", "input_csat", "integrations", "sticker",   "voice_call"};
  return std::find(types.begin(), types.end(), type) != types.end();
}

bool known_status(const std::string& status) {
  return status == "open" || status == "resolved" || status == "pending" || status == "snoozed";
}

std::string lower_trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  for (auto& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

// Devise.email_regexp: /\A[^@\s]+@[^@\s]+\z/.
bool valid_email(const std::string& email) {
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == email.size()) return false;
  if (email.find('@', at + 1) != std::string::npos) return false;
  return std::none_of(email.begin(), email.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

// Contact's phone_number format: /\+[1-9]\d{1,14}\z/.
bool valid_e164(const std::string& phone) {
  if (phone.size() < 3 || phone.size() > 16 || phone[0] != '+' || phone[1] < '1' || phone[1] > '9') return false;
  return std::all_of(phone.begin() + 1, phone.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// ContentAttributeValidator for input_select: at least one item, each a hash with only
// title and value. The message is the one RecordInvalid carries into the 422 answer.
std::string input_select_problem(const json::object& content_attributes) {
  const auto* items = content_attributes.if_contains("items");
  if (!items || !items->is_array() || items->as_array().empty())
    return "Validation failed: Content attributes At least one item is required.";
  std::vector<std::string> invalid;
  for (const auto& item : items->as_array()) {
    if (!item.is_object()) return "Validation failed: Content attributes Items should be a hash.";
    for (const auto& field : item.as_object())
      if (field.key() != "title" && field.key() != "value") invalid.push_back(":" + std::string(field.key()));
  }
  if (invalid.empty()) return {};
  std::string list;
  for (const auto& key : invalid) list += (list.empty() ? "" : ", ") + key;
  return "Validation failed: Content attributes contains invalid keys for items : [" + list + "]";
}

}  // namespace

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

result chatwoot_store::create_message(std::int64_t conversation_id, const json::object& params, sender_ref by,
                                      instant now) {
  auto* c = find(conversation_id);
  if (!c) return not_found();
  // Messages::MessageBuilder; messages#create answers any failure with 422 {"error": …}.
  auto type_text = text_param(params, "message_type");
  const auto type = parse_message_type(blank(type_text) ? "outgoing" : *type_text);
  if (!type) return could_not_create("'" + *type_text + "' is not a valid message_type");
  if (*type == message_type::incoming) return could_not_create("Incoming messages are only allowed in Api inboxes");
  auto content_type = text_param(params, "content_type");
  if (blank(content_type)) content_type = "text";
  if (!known_content_type(*content_type)) return could_not_create("'" + *content_type + "' is not a valid content_type");

  message m;
  m.type = *type;
  m.content_type = *content_type;
  m.content = text_param(params, "content");
  if (m.content && domain::count_code_points(*m.content) > 150000)
    return could_not_create("Validation failed: Content is too long (maximum is 150000 characters)");
  if (const auto* attributes = params.if_contains("content_attributes")) {
    if (attributes->is_object()) {
      m.content_attributes = attributes->as_object();
    } else if (attributes->is_string()) {  // the builder JSON-parses a string
      boost::system::error_code ec;
      auto parsed = json::parse(attributes->as_string(), ec);
      if (!ec && parsed.is_object()) m.content_attributes = parsed.as_object();
    }
  }
  if (m.content_type == "input_select") {
    if (auto problem = input_select_problem(m.content_attributes); !problem.empty()) return could_not_create(problem);
  }
  if (const auto* template_params = params.if_contains("template_params"); template_params && template_params->is_object())
    m.additional_attributes["template_params"] = template_params->as_object();
  m.is_private = rails_boolean(params, "private");
  m.echo_id = text_param(params, "echo_id");
  m.sender = by;

  auto& stored = add_message(*c, std::move(m), now);
  if (stored.type == message_type::outgoing && !stored.is_private && by.kind == sender_kind::user &&
      !c->first_reply_created_at) {
    c->first_reply_created_at = now;
    c->waiting_since.reset();
  }
  json::value answer = message_model(stored);
  emit_message_created(stored, now);
  // Sending to WhatsApp happens after the answer (SendReplyJob); its failure shows later
  // in the message's status and external_error.
  if (!stored.is_private && stored.type != message_type::activity) {
    if (auto refusal = whatsapp_refusal(*c, stored, now); !refusal.empty()) {
      stored.status = "failed";
      stored.content_attributes["external_error"] = refusal;
      emit_message_updated(stored, now);
    }
  }
  return answer;
}

result chatwoot_store::list_messages(std::int64_t conversation_id, const std::optional<std::string>& after,
                                     const std::optional<std::string>& before) const {
  const auto* c = find(conversation_id);
  if (!c) return not_found();
  // MessageFinder: ascending ids; `after` up to 100 after it, `before` the 20 before it,
  // both the ids in [after, before) up to 1000, neither the latest 20.
  const auto& ids = c->message_ids;
  std::vector<std::int64_t> chosen;
  const bool has_after = !blank(after), has_before = !blank(before);
  const auto a = has_after ? rails_to_i(*after) : 0, b = has_before ? rails_to_i(*before) : 0;
  auto last = [&](std::vector<std::int64_t> all, std::size_t n) {
    if (all.size() > n) all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(n));
    return all;
  };
  if (has_after && has_before) {
    for (auto id : ids)
      if (id >= a && id < b && chosen.size() < 1000) chosen.push_back(id);
  } else if (has_before) {
    std::vector<std::int64_t> older;
    for (auto id : ids)
      if (id < b) older.push_back(id);
    chosen = last(std::move(older), 20);
  } else if (has_after) {
    for (auto id : ids)
      if (id > a && chosen.size() < 100) chosen.push_back(id);
  } else {
    chosen = last(ids, 20);
  }
  json::array payload;
  for (auto id : chosen) payload.push_back(message_model(messages_.at(id)));
  json::array labels;
  for (const auto& l : c->labels) labels.emplace_back(l);
  json::object meta{{"labels", std::move(labels)},
                    {"additional_attributes", c->additional_attributes},
                    {"contact", contact_push_event_data(contacts_.at(c->contact_id))},
                    {"agent_last_seen_at", nullptr},
                    {"assignee_last_seen_at", nullptr}};
  return json::object{{"meta", std::move(meta)}, {"payload", std::move(payload)}};
}

result chatwoot_store::show_conversation(std::int64_t conversation_id, instant now) const {
  const auto* c = find(conversation_id);
  if (!c) return not_found();
  return conversation_model(*c, now);
}

result chatwoot_store::list_conversations(const std::string& status, int page, instant now) const {
  // ConversationFinder: status defaults to open; "all" is every status; sorted by
  // last_activity_at, newest first; 25 a page.
  constexpr std::size_t per_page = 25;
  const std::string wanted = status.empty() ? "open" : status;
  std::vector<const conversation*> matching;
  for (const auto& [id, c] : conversations_)
    if (wanted == "all" || c.status == wanted) matching.push_back(&c);
  std::stable_sort(matching.begin(), matching.end(), [](const conversation* a, const conversation* b) {
    return a->last_activity_at > b->last_activity_at;
  });
  json::array payload;
  const auto first = static_cast<std::size_t>(std::max(page, 1) - 1) * per_page;
  for (std::size_t i = first; i < matching.size() && i < first + per_page; ++i)
    payload.push_back(conversation_model(*matching[i], now));
  const auto count = static_cast<std::int64_t>(matching.size());
  json::object meta{{"mine_count", 0}, {"assigned_count", 0}, {"unassigned_count", count}, {"all_count", count}};
  return json::object{{"data", json::object{{"meta", std::move(meta)}, {"payload", std::move(payload)}}}};
}

result chatwoot_store::labels(std::int64_t conversation_id) const {
  const auto* c = find(conversation_id);
  if (!c) return not_found();
  json::array payload;
  for (const auto& l : c->labels) payload.emplace_back(l);
  return json::object{{"payload", std::move(payload)}};
}

result chatwoot_store::set_labels(std::int64_t conversation_id, const json::object& params, sender_ref by,
                                  instant now) {
  auto* c = find(conversation_id);
  if (!c) return not_found();
  // acts-as-taggable-on's parser: each entry split at commas, stripped, blanks and
  // duplicates dropped.
  std::vector<std::string> next;
  if (const auto* given = params.if_contains("labels"); given && given->is_array()) {
    for (const auto& entry : given->as_array()) {
      if (entry.is_object() || entry.is_array() || entry.is_null()) continue;
      std::string text = entry.is_string() ? std::string(entry.as_string()) : json::serialize(entry);
      std::size_t start = 0;
      while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        std::string label = text.substr(start, comma - start);
        const auto first = label.find_first_not_of(" \t");
        label = first == std::string::npos ? "" : label.substr(first, label.find_last_not_of(" \t") - first + 1);
        if (!label.empty() && std::find(next.begin(), next.end(), label) == next.end()) next.push_back(label);
        start = comma + 1;
      }
    }
  }
  std::vector<std::string> added, removed;
  for (const auto& l : next)
    if (std::find(c->labels.begin(), c->labels.end(), l) == c->labels.end()) added.push_back(l);
  for (const auto& l : c->labels)
    if (std::find(next.begin(), next.end(), l) == next.end()) removed.push_back(l);
  c->labels = next;
  c->updated_at = now;
  // Conversation#create_label_change (en.yml conversations.activity.labels.*).
  auto joined = [](const std::vector<std::string>& list) {
    std::string out;
    for (const auto& l : list) out += (out.empty() ? "" : ", ") + l;
    return out;
  };
  if (by.kind != sender_kind::none) {
    if (!added.empty()) add_activity(*c, name_of(by) + " added " + joined(added), now);
    if (!removed.empty()) add_activity(*c, name_of(by) + " removed " + joined(removed), now);
  }
  return labels(conversation_id);
}

result chatwoot_store::toggle_status(std::int64_t conversation_id, const json::object& params, sender_ref by,
                                     instant now) {
  auto* c = find(conversation_id);
  if (!c) return not_found();
  const auto status = text_param(params, "status");
  json::value success = true;
  if (by.kind == sender_kind::agent_bot && c->status == "pending" && status && *status == "open") {
    // ConversationsController#toggle_status: a bot's pending → open is bot_handoff!,
    // which leaves @status unset, so the answer says "success": null.
    change_status(*c, "open", by, now);
    success = nullptr;
  } else if (!blank(status)) {
    // An unknown value is an ArgumentError from the status enum: Rails' 500.
    if (!known_status(*status)) return api_error{500, json::object{{"status", 500}, {"error", "Internal Server Error"}}};
    change_status(*c, *status, by, now);
  } else {
    change_status(*c, c->status == "open" ? "resolved" : "open", by, now);
  }
  json::object payload{{"success", success},
                       {"conversation_id", c->id},
                       {"current_status", c->status},
                       {"snoozed_until", nullptr}};
  return json::object{{"meta", json::object{}}, {"payload", std::move(payload)}};
}

result chatwoot_store::set_custom_attributes(std::int64_t conversation_id, const json::object& params,
                                             instant now) {
  auto* c = find(conversation_id);
  if (!c) return not_found();
  // `@conversation.custom_attributes = params.permit(custom_attributes: {})[:custom_attributes]`:
  // the given hash replaces the stored one.
  const auto* given = params.if_contains("custom_attributes");
  c->custom_attributes = given && given->is_object() ? given->as_object() : json::object{};
  c->updated_at = now;
  return json::object{{"custom_attributes", c->custom_attributes}};
}

result chatwoot_store::update_contact(std::int64_t contact_id, const json::object& params, instant now) {
  auto found = contacts_.find(contact_id);
  if (found == contacts_.end()) return not_found();
  // Rails wraps a JSON body's attributes into params[:contact]; a body that already
  // nests them under "contact" is taken as is.
  const json::object* p = &params;
  if (const auto* nested = params.if_contains("contact"); nested && nested->is_object()) p = &nested->as_object();
  contact next = found->second;
  auto optional_text = [&](std::string_view key, std::optional<std::string>& field, bool lower) {
    if (!p->contains(key)) return;
    auto text = text_param(*p, key);
    if (text && lower) text = lower_trimmed(*text);
    field = blank(text) ? std::nullopt : text;
  };
  if (auto name = text_param(*p, "name")) next.name = *name;
  optional_text("email", next.email, true);
  optional_text("phone_number", next.phone_number, false);
  optional_text("identifier", next.identifier, false);
  // ContactsController#contact_update_params merges both attribute hashes.
  for (const char* key : {"additional_attributes", "custom_attributes"}) {
    const auto* given = p->if_contains(key);
    if (!given || !given->is_object()) continue;
    auto& target = std::string_view(key) == "custom_attributes" ? next.custom_attributes : next.additional_attributes;
    for (const auto& field : given->as_object()) target[field.key()] = field.value();
  }

  std::vector<std::string> messages, attributes;
  if (next.email && !valid_email(*next.email)) {
    messages.push_back("Email Invalid email");
    attributes.push_back("email");
  } else if (next.email && std::any_of(contacts_.begin(), contacts_.end(), [&](const auto& other) {
               return other.first != contact_id && other.second.email == next.email;
             })) {
    messages.push_back("Email has already been taken");
    attributes.push_back("email");
  }
  if (next.phone_number && !valid_e164(*next.phone_number)) {
    messages.push_back("Phone number should be in e164 format");
    attributes.push_back("phone_number");
  } else if (next.phone_number && std::any_of(contacts_.begin(), contacts_.end(), [&](const auto& other) {
               return other.first != contact_id && other.second.phone_number == next.phone_number;
             })) {
    messages.push_back("Phone number has already been taken");
    attributes.push_back("phone_number");
  }
  if (!messages.empty()) return record_invalid(messages, attributes);
  next.last_activity_at = std::max(next.last_activity_at, now);
  found->second = std::move(next);
  return json::object{{"payload", contact_model(found->second)}};
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
