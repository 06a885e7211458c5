#include "actors/chatwoot_effects.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "actors/blocking_call.hpp"
#include "db/conversations.hpp"
#include "domain/whatsapp_text.hpp"
#include "net/chatwoot_client.hpp"
#include "net/json_fields.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

namespace json = boost::json;

namespace {

std::optional<json::object> payload_of(const db::outbox_item& item) {
  boost::system::error_code ec;
  auto value = json::parse(item.payload, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return value.as_object();
}

std::vector<std::string> strings_at(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (const auto* v = o.if_contains(key); v && v->is_array())
    for (const auto& s : v->as_array())
      if (s.is_string()) out.emplace_back(s.as_string());
  return out;
}

domain::conversation_id conversation_of(const json::object& o) {
  const auto* v = o.if_contains("conversation_id");
  return domain::conversation_id{v && v->is_int64() ? v->as_int64() : 0};
}

outbox_outcome failed(const char* what, const net::chatwoot_error& e) {
  std::string why = std::string(what) + ": " + std::string(net::to_string(e.kind)) + " " + e.message;
  using kind = net::chatwoot_error_kind;
  // Refusals that no retry changes — a request Chatwoot will not take, a token that may not do
  // this (a bot-only token on labels or contacts), a conversation or contact that is not
  // there — are given up at once and listed for the operator, never retried for hours.
  if (e.kind == kind::invalid_request || e.kind == kind::unauthorized || e.kind == kind::forbidden ||
      e.kind == kind::not_found)
    return outbox_outcome::give_up(why);
  return outbox_outcome::retry(why);
}

// What WhatsApp shows: buttons or a list through input_select when the options fit, else the
// numbered text (whose numbers the dialogue understands as well).
net::chatwoot_outgoing_message render(const json::object& p) {
  net::chatwoot_outgoing_message message;
  message.content = net::string_at(p, "content");
  message.private_note = net::bool_at(p, "private");
  auto options = strings_at(p, "options");
  if (!options.empty()) {
    auto reply = domain::make_quick_reply(message.content, options);
    if (reply.style == domain::reply_style::numbered_text) {
      message.content = reply.numbered_text;
    } else {
      message.content_type = net::chatwoot_content_type::input_select;
      for (const auto& title : reply.titles) message.items.push_back({title, title});
    }
  }
  return message;
}

enum class landing { landed, not_landed, unknown };

// Chatwoot's clock is not PostgreSQL's: a message stamped a little before its outbox row was
// written is still ours.
constexpr std::chrono::seconds clock_skew_allowance{2};

// Whether an earlier attempt's message is in the conversation. A listing that fails for now
// (slow, 429, 5xx) is asked again later: sending instead would post it twice. One that
// Chatwoot refuses for good — a bot token without CHATWOOT_USER_TOKEN may not list messages —
// cannot tell, and the message goes out rather than never.
landing earlier_attempt(net::chatwoot_client& chatwoot, std::chrono::seconds timeout,
                        domain::conversation_id conversation, const net::chatwoot_outgoing_message& message,
                        std::chrono::sys_seconds since) {
  auto listed = wait_for_result<net::chatwoot_result<std::vector<net::chatwoot_message>>>(
      timeout, [&](auto done) { chatwoot.list_messages(conversation, std::nullopt, std::move(done)); });
  if (!listed) return landing::unknown;
  if (const auto* e = std::get_if<net::chatwoot_error>(&*listed)) {
    using kind = net::chatwoot_error_kind;
    return e->kind == kind::unauthorized || e->kind == kind::forbidden ? landing::not_landed : landing::unknown;
  }
  const auto earliest = since - clock_skew_allowance;
  for (const auto& m : std::get<std::vector<net::chatwoot_message>>(*listed))
    if (m.message_type == net::chatwoot_message_type::outgoing && m.content == message.content &&
        m.private_note == message.private_note && m.created_at >= earliest)
      return landing::landed;
  return landing::not_landed;
}

class chatwoot_effects {
 public:
  chatwoot_effects(net::chatwoot_client& chatwoot, std::chrono::seconds timeout, whatsapp_template_settings window)
      : chatwoot_(chatwoot), timeout_(timeout), window_(std::move(window)) {}

  outbox_outcome message(const db::outbox_item& item, db::connection& conn) {
    auto p = payload_of(item);
    if (!p) return outbox_outcome::give_up("payload is not a JSON object");
    auto conversation = conversation_of(*p);
    auto message = render(*p);
    // As the template when WhatsApp refused the plain message already (the window closed
    // while tutorbot thought it open), or when tutorbot's own record says it has closed.
    const bool as_template = net::bool_at(*p, "template");
    // A reply follows a message the student sent, so an unknown window is taken as open; a
    // refusal would still bring the template (as_template).
    if (!message.private_note && (as_template || whatsapp_window_of(conn, conversation) == whatsapp_window::closed)) {
      // Buttons are not allowed in a template: the numbered text carries the choices.
      if (message.content_type == net::chatwoot_content_type::input_select) {
        message.content = domain::make_quick_reply(net::string_at(*p, "content"), strings_at(*p, "options")).numbered_text;
        message.content_type = net::chatwoot_content_type::text;
        message.items.clear();
      }
      message.whatsapp_template = net::chatwoot_template{window_.name, window_.category, window_.language,
                                                         {{"1", message.content}}};
    }
    return post_chatwoot_message(chatwoot_, timeout_, item, conversation, message);
  }

  outbox_outcome labels(const db::outbox_item& item) {
    auto p = payload_of(item);
    if (!p) return outbox_outcome::give_up("payload is not a JSON object");
    auto conversation = conversation_of(*p);
    auto current = wait_for_result<net::chatwoot_result<std::vector<std::string>>>(
        timeout_, [&](auto done) { chatwoot_.get_labels(conversation, std::move(done)); });
    if (!current) return outbox_outcome::retry("labels: Chatwoot did not answer in time");
    if (auto* e = std::get_if<net::chatwoot_error>(&*current)) return failed("labels", *e);
    auto labels = std::get<std::vector<std::string>>(*current);
    for (const auto& add : strings_at(*p, "add"))
      if (std::find(labels.begin(), labels.end(), add) == labels.end()) labels.push_back(add);
    for (const auto& remove : strings_at(*p, "remove")) labels.erase(std::remove(labels.begin(), labels.end(), remove), labels.end());
    auto written = wait_for_result<net::chatwoot_result<std::vector<std::string>>>(
        timeout_, [&](auto done) { chatwoot_.set_labels(conversation, labels, std::move(done)); });
    if (!written) return outbox_outcome::retry("labels: Chatwoot did not answer in time");
    if (auto* e = std::get_if<net::chatwoot_error>(&*written)) return failed("labels", *e);
    return outbox_outcome::done();
  }

  outbox_outcome contact(const db::outbox_item& item) {
    auto p = payload_of(item);
    if (!p) return outbox_outcome::give_up("payload is not a JSON object");
    const auto* id = p->if_contains("contact_id");
    if (!id || !id->is_int64()) return outbox_outcome::give_up("no contact_id");
    net::chatwoot_contact_update update;
    if (const auto* a = p->if_contains("attributes"); a && a->is_object())
      for (const auto& [k, v] : a->as_object())
        if (v.is_string()) update.custom_attributes[std::string(k)] = std::string(v.as_string());
    if (auto it = update.custom_attributes.find("email"); it != update.custom_attributes.end()) update.email = it->second;
    auto answer = wait_for_result<net::chatwoot_result<net::chatwoot_sender>>(
        timeout_, [&](auto done) { chatwoot_.update_contact(id->as_int64(), update, std::move(done)); });
    if (!answer) return outbox_outcome::retry("contact: Chatwoot did not answer in time");
    if (auto* e = std::get_if<net::chatwoot_error>(&*answer)) return failed("contact", *e);
    return outbox_outcome::done();
  }

  outbox_outcome status(const db::outbox_item& item) {
    auto p = payload_of(item);
    if (!p) return outbox_outcome::give_up("payload is not a JSON object");
    auto wanted = net::parse_chatwoot_status(net::string_at(*p, "status"));
    auto answer = wait_for_result<net::chatwoot_result<net::chatwoot_status>>(
        timeout_, [&](auto done) { chatwoot_.toggle_status(conversation_of(*p), wanted, std::move(done)); });
    if (!answer) return outbox_outcome::retry("status: Chatwoot did not answer in time");
    if (auto* e = std::get_if<net::chatwoot_error>(&*answer)) return failed("status", *e);
    return outbox_outcome::done();
  }

 private:
  net::chatwoot_client& chatwoot_;
  std::chrono::seconds timeout_;
  whatsapp_template_settings window_;
};

}  // namespace

whatsapp_window whatsapp_window_of(db::connection& conn, domain::conversation_id conversation) {
  const auto last = db::last_incoming_at(conn, conversation.value);
  if (!last) return whatsapp_window::unknown;
  return std::chrono::system_clock::now() - *last > std::chrono::hours(24) ? whatsapp_window::closed
                                                                           : whatsapp_window::open;
}

outbox_outcome post_chatwoot_message(net::chatwoot_client& chatwoot, std::chrono::seconds timeout,
                                     const db::outbox_item& item, domain::conversation_id conversation,
                                     const net::chatwoot_outgoing_message& message) {
  // Chatwoot has no idempotency key: after an attempt whose message may have landed, look
  // whether it did before sending it again.
  if (item.attempts > 1) {
    switch (earlier_attempt(chatwoot, timeout, conversation, message, item.created_at)) {
      case landing::landed: return outbox_outcome::done();
      case landing::unknown: return outbox_outcome::retry("message: cannot tell yet whether an earlier attempt landed");
      case landing::not_landed: break;
    }
  }
  auto sent = wait_for_result<net::chatwoot_result<net::chatwoot_created_message>>(
      timeout, [&](auto done) { chatwoot.send_message(conversation, message, std::move(done)); });
  if (!sent) return outbox_outcome::retry("message: Chatwoot did not answer in time");
  if (auto* e = std::get_if<net::chatwoot_error>(&*sent)) return failed("message", *e);
  return outbox_outcome::done();
}

std::map<std::string, outbox_handler> make_chatwoot_effects(net::chatwoot_client& chatwoot, std::chrono::seconds timeout,
                                                            whatsapp_template_settings outside_window) {
  auto effects = std::make_shared<chatwoot_effects>(chatwoot, timeout, std::move(outside_window));
  return {
      {db::outbox_kind::chatwoot_message, [effects](const db::outbox_item& i, db::connection& c) { return effects->message(i, c); }},
      {db::outbox_kind::chatwoot_labels, [effects](const db::outbox_item& i, db::connection&) { return effects->labels(i); }},
      {db::outbox_kind::chatwoot_contact, [effects](const db::outbox_item& i, db::connection&) { return effects->contact(i); }},
      {db::outbox_kind::chatwoot_status, [effects](const db::outbox_item& i, db::connection&) { return effects->status(i); }},
  };
}

}  // namespace tutorbot::actors
