// The answers of Chatwoot's conversation API (used by chatwoot_client): message pages,
// messages, conversations, labels, status, custom attributes, contacts and error bodies.
#include <boost/json/parse.hpp>

#include "net/chatwoot_json.hpp"
#include "net/chatwoot_readers.hpp"
#include "net/json_fields.hpp"

namespace tutorbot::net {

namespace json = boost::json;
using namespace chatwoot_readers;

namespace chatwoot_json {

std::variant<chatwoot_message_page, chatwoot_parse_error> parse_message_page(std::string_view body) {
  auto doc = parse_object(body, "message list");
  if (auto* error = std::get_if<chatwoot_parse_error>(&doc)) return std::move(*error);
  const auto& o = std::get<json::object>(doc);
  const json::value* payload = o.if_contains("payload");
  if (!payload || !payload->is_array()) return chatwoot_parse_error{"message list without a payload array"};
  chatwoot_message_page page;
  if (const auto* meta = object_at(o, "meta")) {
    page.labels = strings_of(meta->if_contains("labels"));
    page.contact_id = int_at(*meta, "contact_id");
    if (const auto* contact = object_at(*meta, "contact"); contact && page.contact_id == 0)
      page.contact_id = int_at(*contact, "id");
  }
  for (const auto& item : payload->as_array()) {
    if (!item.is_object()) return chatwoot_parse_error{"message list item is not an object"};
    chatwoot_message m = message_from(item.as_object());
    if (m.id == 0) return chatwoot_parse_error{"message list item without an id"};
    page.messages.push_back(std::move(m));
  }
  return page;
}

std::variant<chatwoot_message, chatwoot_parse_error> parse_message(std::string_view body) {
  auto doc = parse_object(body, "message");
  if (auto* error = std::get_if<chatwoot_parse_error>(&doc)) return std::move(*error);
  chatwoot_message m = message_from(std::get<json::object>(doc));
  if (m.id == 0) return chatwoot_parse_error{"message without an id"};
  return m;
}

std::variant<chatwoot_conversation, chatwoot_parse_error> parse_conversation(std::string_view body) {
  auto doc = parse_object(body, "conversation");
  if (auto* error = std::get_if<chatwoot_parse_error>(&doc)) return std::move(*error);
  chatwoot_conversation c = conversation_from(std::get<json::object>(doc));
  if (c.id.value == 0) return chatwoot_parse_error{"conversation without an id"};
  return c;
}

std::variant<std::vector<chatwoot_conversation>, chatwoot_parse_error> parse_conversation_list(std::string_view body) {
  auto doc = parse_object(body, "conversation list");
  if (auto* error = std::get_if<chatwoot_parse_error>(&doc)) return std::move(*error);
  const auto* data = object_at(std::get<json::object>(doc), "data");
  const auto* payload = data ? data->if_contains("payload") : nullptr;
  if (!payload || !payload->is_array()) return chatwoot_parse_error{"conversation list without data.payload"};
  std::vector<chatwoot_conversation> out;
  for (const auto& item : payload->as_array()) {
    if (!item.is_object()) return chatwoot_parse_error{"conversation list item is not an object"};
    auto c = conversation_from(item.as_object());
    if (c.id.value == 0) return chatwoot_parse_error{"conversation list item without an id"};
    out.push_back(std::move(c));
  }
  return out;
}

std::variant<std::vector<std::string>, chatwoot_parse_error> parse_labels(std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec) return chatwoot_parse_error{"labels answer is not JSON: " + ec.message()};
  const json::value* list = doc.is_object() ? doc.as_object().if_contains("payload") : &doc;
  if (!list || !list->is_array()) return chatwoot_parse_error{"labels answer without a payload array"};
  return strings_of(list);
}

std::variant<chatwoot_status, chatwoot_parse_error> parse_toggle_status(std::string_view body) {
  auto doc = parse_object(body, "toggle_status answer");
  if (auto* error = std::get_if<chatwoot_parse_error>(&doc)) return std::move(*error);
  const auto* payload = object_at(std::get<json::object>(doc), "payload");
  if (!payload) return chatwoot_parse_error{"toggle_status answer without a payload"};
  return parse_chatwoot_status(string_at(*payload, "current_status"));
}

std::variant<chatwoot_attributes, chatwoot_parse_error> parse_custom_attributes(std::string_view body) {
  auto doc = parse_object(body, "custom_attributes answer");
  if (auto* error = std::get_if<chatwoot_parse_error>(&doc)) return std::move(*error);
  return attributes_at(std::get<json::object>(doc), "custom_attributes");
}

std::variant<chatwoot_sender, chatwoot_parse_error> parse_contact(std::string_view body) {
  auto doc = parse_object(body, "contact");
  if (auto* error = std::get_if<chatwoot_parse_error>(&doc)) return std::move(*error);
  const auto& o = std::get<json::object>(doc);
  const json::object* contact = object_at(o, "payload");
  if (!contact) contact = &o;
  chatwoot_sender s = sender_from(*contact);
  if (s.id == 0) return chatwoot_parse_error{"contact without an id"};
  s.type = chatwoot_sender_type::contact;
  return s;
}

std::string error_message(std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return {};
  const auto& o = doc.as_object();
  if (auto text = string_at(o, "error"); !text.empty()) return text;
  if (const auto* error = object_at(o, "error"))
    if (auto text = string_at(*error, "message"); !text.empty()) return text;
  if (auto text = string_at(o, "message"); !text.empty()) return text;
  std::string joined;
  if (const auto* errors = o.if_contains("errors"); errors && errors->is_array())
    for (const auto& item : errors->as_array()) {
      std::string text = item.is_string()   ? std::string(item.as_string())
                         : item.is_object() ? string_at(item.as_object(), "message")
                                            : std::string{};
      if (text.empty()) continue;
      if (!joined.empty()) joined += "; ";
      joined += text;
    }
  return joined;
}

}  // namespace chatwoot_json
}  // namespace tutorbot::net
