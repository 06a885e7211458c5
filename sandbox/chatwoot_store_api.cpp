// The Chatwoot API's answers as the sandbox's store gives them: messages, conversations,
// labels, status, custom attributes and contacts, each validated as Chatwoot validates it.
#include <algorithm>
#include <array>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "domain/whatsapp_text.hpp"
#include "sandbox/chatwoot_params.hpp"
#include "sandbox/chatwoot_store.hpp"

namespace tutorbot::sandbox::chatwoot {

namespace json = boost::json;

namespace {

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

}  // namespace tutorbot::sandbox::chatwoot
