#include "actors/conversation_codec.hpp"

#include <boost/json.hpp>

#include "db/outbox.hpp"
#include "domain/whatsapp_text.hpp"
#include "net/json_fields.hpp"

namespace tutorbot::actors {

namespace json = boost::json;
using std::chrono::sys_seconds;

namespace {

long long int_at(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

void read_contact(const json::object& contact, decoded_event& d) {
  if (auto id = int_at(contact, "id")) d.contact_id = id;
  auto set = [](std::optional<std::string>& field, std::string v) {
    if (!v.empty()) field = std::move(v);
  };
  set(d.contact.name, net::string_at(contact, "name"));
  set(d.contact.email, net::string_at(contact, "email"));
  set(d.contact.phone, net::string_at(contact, "phone_number"));
  set(d.contact.locale, net::string_at(contact, "locale"));
  if (const auto* a = contact.if_contains("custom_attributes"); a && a->is_object())
    for (const auto& [k, v] : a->as_object())
      if (v.is_string()) d.contact.attributes[std::string(k)] = std::string(v.as_string());
}

std::optional<domain::dialogue_event> payment_event(const json::object& o) {
  auto news = db::parse_payment_news(net::string_at(o, "event"));
  if (!news) return std::nullopt;
  switch (*news) {
    case db::payment_news::payment_succeeded: return domain::payment_succeeded{};
    case db::payment_news::payment_failed: return domain::payment_failed{};
    case db::payment_news::payment_expired: return domain::payment_expired{};
    case db::payment_news::refund_done: return domain::refund_done{domain::cents{int_at(o, "amount_cents")}};
    case db::payment_news::booking_cancelled:
      return domain::booking_cancelled{domain::booking_id{net::string_at(o, "booking_id")}};
    case db::payment_news::booking_confirmed: {
      domain::offered_slot slot{domain::tutor_id{net::string_at(o, "tutor_id")},
                                {sys_seconds{std::chrono::seconds{int_at(o, "start")}},
                                 sys_seconds{std::chrono::seconds{int_at(o, "end")}}}};
      return domain::booking_confirmed{domain::booking_id{net::string_at(o, "booking_id")}, slot};
    }
  }
  return std::nullopt;
}

// Without NUL characters: PostgreSQL's jsonb refuses \u0000, and a student's message must be
// stored whatever it holds (it would be refused, and the webhook answered 5xx, for ever).
std::string without_nul(std::string text) {
  std::erase(text, '\0');
  return text;
}

}  // namespace

std::string student_message_payload(const net::chatwoot_message& m, long long account_id) {
  json::object payload{{"message_id", m.id}, {"content", without_nul(m.content)}, {"account_id", account_id}};
  if (!m.attachments.empty()) payload["attachment"] = without_nul(m.attachments.front().file_type);
  if (m.sender) {
    json::object contact{{"id", m.sender->id},
                         {"name", without_nul(m.sender->name)},
                         {"email", without_nul(m.sender->email)},
                         {"phone_number", without_nul(m.sender->phone_number)}};
    json::object attributes;
    for (const auto& [k, v] : m.sender->custom_attributes) attributes[without_nul(k)] = without_nul(v);
    contact["custom_attributes"] = attributes;
    if (auto it = m.sender->additional_attributes.find("locale"); it != m.sender->additional_attributes.end())
      contact["locale"] = without_nul(it->second);
    payload["contact"] = contact;
  }
  return json::serialize(payload);
}

std::string refused_message_payload(const net::chatwoot_message& m, long long account_id) {
  // A template carries no buttons: the choices go as numbered text, which the dialogue reads.
  auto content = m.option_titles.empty() ? m.content : domain::make_quick_reply(m.content, m.option_titles).numbered_text;
  return json::serialize(json::object{{"message_id", m.id},
                                      {"content", without_nul(std::move(content))},
                                      {"error", without_nul(m.external_error)},
                                      {"template", m.whatsapp_template},
                                      {"account_id", account_id}});
}

std::string status_payload(net::chatwoot_status status, long long account_id) {
  return json::serialize(json::object{{"status", std::string(net::to_string(status))}, {"account_id", account_id}});
}

decoded_event decode(const db::conversation_event& stored) {
  decoded_event d;
  boost::system::error_code ec;
  auto value = json::parse(stored.payload, ec);
  if (ec || !value.is_object()) return d;
  const auto& o = value.as_object();
  d.account_id = int_at(o, "account_id");
  if (stored.kind == db::conversation_event_kind::message) {
    d.incoming = true;
    if (auto id = int_at(o, "message_id")) d.message_id = id;
    if (const auto* c = o.if_contains("contact"); c && c->is_object()) read_contact(c->as_object(), d);
    auto content = net::string_at(o, "content");
    auto attachment = net::string_at(o, "attachment");
    if (!content.empty())
      d.event = domain::text_received{std::move(content), std::move(attachment)};
    else if (!attachment.empty())
      d.event = domain::unsupported_received{std::move(attachment)};
    return d;
  }
  if (stored.kind == db::conversation_event_kind::delivery_failed) {
    d.event = domain::message_refused{net::string_at(o, "content"), net::string_at(o, "error"), net::bool_at(o, "template")};
    return d;
  }
  if (stored.kind == db::conversation_event_kind::status) {
    // Staff resolved the conversation or handed it back to the bot (status pending).
    auto status = net::string_at(o, "status");
    if (status == "resolved" || status == "pending") d.event = domain::handoff_ended{};
    return d;
  }
  if (stored.kind == db::conversation_event_kind::payment) d.event = payment_event(o);
  return d;
}

db::student_details student_details_of(const domain::set_contact_attributes& learned, domain::language lang) {
  auto field = [&](domain::intake_field f) {
    auto it = learned.attributes.find(std::string{domain::to_string(f)});
    return it == learned.attributes.end() ? std::string{} : it->second;
  };
  return {field(domain::intake_field::student_name), field(domain::intake_field::email),
          field(domain::intake_field::level),        field(domain::intake_field::subject),
          std::string{domain::to_string(lang)},      field(domain::intake_field::writer),
          field(domain::intake_field::student_email)};
}

bool is_outward(const domain::effect& e) {
  return std::holds_alternative<domain::send_text>(e) || std::holds_alternative<domain::send_template>(e) ||
         std::holds_alternative<domain::private_note>(e) ||
         std::holds_alternative<domain::add_labels>(e) || std::holds_alternative<domain::remove_labels>(e) ||
         std::holds_alternative<domain::set_contact_attributes>(e) || std::holds_alternative<domain::hand_off>(e);
}

void append_outbox_work(std::vector<db::outbox_work>& work, long long conversation, const std::optional<long long>& contact,
                        const domain::effect& effect) {
  auto add = [&](const char* kind, json::object payload, db::outbox_lane lane = db::outbox_lane::side_call) {
    payload["conversation_id"] = conversation;
    work.push_back({kind, json::serialize(payload), lane});
  };
  constexpr auto seen = db::outbox_lane::student_sees;
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, domain::send_text>) {
          if (e.options.empty()) {
            for (auto& part : domain::split_message(e.text))
              add(db::outbox_kind::chatwoot_message, {{"content", part}}, seen);
          } else {
            json::array options;
            for (const auto& option : e.options) options.emplace_back(option);
            add(db::outbox_kind::chatwoot_message, {{"content", e.text}, {"options", options}}, seen);
          }
        } else if constexpr (std::is_same_v<E, domain::send_template>) {
          add(db::outbox_kind::chatwoot_message, {{"content", e.text}, {"template", true}}, seen);
        } else if constexpr (std::is_same_v<E, domain::private_note>) {
          add(db::outbox_kind::chatwoot_message, {{"content", e.text}, {"private", true}});
        } else if constexpr (std::is_same_v<E, domain::add_labels> || std::is_same_v<E, domain::remove_labels>) {
          json::array labels;
          for (const auto& l : e.labels) labels.emplace_back(l);
          add(db::outbox_kind::chatwoot_labels, {{std::is_same_v<E, domain::add_labels> ? "add" : "remove", labels}});
        } else if constexpr (std::is_same_v<E, domain::set_contact_attributes>) {
          if (!contact) return;
          json::object attributes;
          for (const auto& [k, v] : e.attributes) attributes[k] = v;
          add(db::outbox_kind::chatwoot_contact, {{"contact_id", *contact}, {"attributes", attributes}});
        } else if constexpr (std::is_same_v<E, domain::hand_off>) {
          add(db::outbox_kind::chatwoot_status, {{"status", "open"}, {"reason", e.reason}});
        }
      },
      effect);
}

}  // namespace tutorbot::actors
