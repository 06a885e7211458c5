// The student's side of WhatsApp, staff actions, knobs and inspection under
// /sandbox/chatwoot/, for tests, demos and `tutorbot chat`; not Chatwoot's, and without auth
// like the rest of the sandbox's extras. Bodies and answers are JSON; errors are design
// §7's {"error": code, "message": …}.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "sandbox/chatwoot_sandbox_impl.hpp"
#include "sandbox/control_routes.hpp"

namespace tutorbot::sandbox {

namespace json = boost::json;
using chatwoot::sender_kind;

namespace {

using control::bad_request;
using control::body_object;

std::optional<std::string> string_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<std::int64_t> conversation_of(const net::server_request& request) {
  const auto& text = request.path_params.at("id");
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(text);
}

net::server_response no_conversation(const net::server_request& request) {
  return net::server_response::error(404, "not_found", "no conversation " + request.path_params.at("id"));
}

net::server_response ok(int status, const json::value& body) {
  return net::server_response::json(status, json::serialize(body));
}

json::array text_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& item : items) out.emplace_back(item);
  return out;
}

json::object line_json(const chatwoot::transcript_line& line) {
  json::object out{{"id", line.id},
                   {"from", line.from},
                   {"content", line.content},
                   {"content_type", line.content_type},
                   {"options", text_array(line.options)}};
  if (!line.error.empty()) out["error"] = line.error;
  return out;
}

json::object settings_json(const chatwoot::webhook_settings& s, bool legacy_sender) {
  // Secrets stay out of answers (design §4.6); whether one is set is enough.
  return {{"url", s.url},
          {"token_set", !s.token.empty()},
          {"secret_set", !s.secret.empty()},
          {"drop_next", s.drop_next},
          {"legacy_sender", legacy_sender}};
}

json::object delivery_json(const chatwoot::delivery_record& d) {
  boost::system::error_code ec;
  auto payload = json::parse(d.payload, ec);
  return {{"delivery_id", d.delivery_id},
          {"event", d.event},
          {"message_id", d.message_id},
          {"conversation_id", d.conversation_id},
          {"outcome", d.outcome},
          {"attempts", d.attempts},
          {"status", d.status},
          {"error", d.error.empty() ? json::value(nullptr) : json::value(d.error)},
          {"at", d.at},
          {"payload", ec ? json::value(nullptr) : std::move(payload)}};
}

}  // namespace

void chatwoot_sandbox::impl::add_control_routes(net::router& routes, const std::shared_ptr<impl>& self) {
  // {"phone": "+31612345678", "name": "Sanne", "email": "…"} → 201 with the ids, or 200
  // with the number's unresolved conversation.
  routes.add("POST", "/sandbox/chatwoot/conversations", [self](net::server_request&& request, net::respond_fn respond) {
    auto body = body_object(request.body);
    const auto phone = body ? string_field(*body, "phone") : std::nullopt;
    const auto name = body ? string_field(*body, "name") : std::nullopt;
    const auto email = body ? string_field(*body, "email") : std::nullopt;
    if (!phone) return respond(bad_request(R"({"phone": "+31612345678", "name": "…", "email": "…"})"));
    std::vector<chatwoot::pending_webhook> made;
    std::string status;
    auto opened = self->locked(
        [&](chatwoot::instant now) {
          auto out = self->store.open_conversation(*phone, name.value_or(""), email.value_or(""), now);
          if (auto* o = std::get_if<chatwoot::opened_conversation>(&out)) status = self->store.status_of(o->conversation_id);
          return out;
        },
        made);
    self->deliver(std::move(made));
    if (auto* problem = std::get_if<std::string>(&opened))
      return respond(net::server_response::error(400, "bad_request", *problem));
    const auto& o = std::get<chatwoot::opened_conversation>(opened);
    respond(ok(o.created ? 201 : 200, json::object{{"conversation_id", o.conversation_id},
                                                   {"contact_id", o.contact_id},
                                                   {"source_id", o.source_id},
                                                   {"inbox_id", self->store.settings().inbox_id},
                                                   {"account_id", self->options.account_id},
                                                   {"status", status},
                                                   {"created", o.created}}));
  });

  routes.add("GET", "/sandbox/chatwoot/conversations", [self](net::server_request&&, net::respond_fn respond) {
    std::lock_guard lock(self->mutex);
    respond(ok(200, json::object{{"payload", self->store.conversation_list()}}));
  });

  // {"content": "…", "attachment": "image"?}: the student's WhatsApp message (a photo with
  // its caption as content, "" for none); the answer names the conversation it landed in (a
  // new one when this one was resolved).
  routes.add("POST", "/sandbox/chatwoot/conversations/{id}/incoming",
             [self](net::server_request&& request, net::respond_fn respond) {
               const auto id = conversation_of(request);
               auto body = body_object(request.body);
               const auto content = body ? string_field(*body, "content") : std::nullopt;
               const bool has_attachment = body && body->contains("attachment");
               const auto attachment = has_attachment ? string_field(*body, "attachment") : std::optional<std::string>{""};
               if (!content || !attachment) return respond(bad_request(R"({"content": "…", "attachment": "image"})"));
               if (!id) return respond(no_conversation(request));
               std::vector<chatwoot::pending_webhook> made;
               auto written = self->locked(
                   [&](chatwoot::instant now) { return self->store.incoming(*id, *content, now, *attachment); }, made);
               self->deliver(std::move(made));
               if (!written) return respond(no_conversation(request));
               respond(ok(200, json::object{{"conversation_id", written->conversation_id},
                                            {"message_id", written->message_id}}));
             });

  // Meta refuses the conversation's outgoing messages from now on (the number is gone).
  routes.add("POST", "/sandbox/chatwoot/conversations/{id}/undeliverable",
             [self](net::server_request&& request, net::respond_fn respond) {
               const auto id = conversation_of(request);
               if (!id) return respond(no_conversation(request));
               std::lock_guard lock(self->mutex);
               if (!self->store.make_undeliverable(*id)) return respond(no_conversation(request));
               respond(ok(200, json::object{{"conversation_id", *id}, {"undeliverable", true}}));
             });

  // {"content": "…", "private": false}: a staff member writes from Chatwoot.
  routes.add("POST", "/sandbox/chatwoot/conversations/{id}/agent-message",
             [self](net::server_request&& request, net::respond_fn respond) {
               const auto id = conversation_of(request);
               auto body = body_object(request.body);
               const auto content = body ? string_field(*body, "content") : std::nullopt;
               const auto* is_private = body ? body->if_contains("private") : nullptr;
               if (!content || (is_private && !is_private->is_bool()))
                 return respond(bad_request(R"({"content": "…", "private": false})"));
               if (!id) return respond(no_conversation(request));
               const json::object params{{"content", *content},
                                         {"message_type", "outgoing"},
                                         {"private", is_private && is_private->as_bool()}};
               std::vector<chatwoot::pending_webhook> made;
               auto written = self->locked(
                   [&](chatwoot::instant now) {
                     return self->store.create_message(
                         *id, params, {sender_kind::user, self->store.settings().user_id}, now);
                   },
                   made);
               self->deliver(std::move(made));
               auto* answer = std::get_if<json::value>(&written);
               if (!answer) return respond(no_conversation(request));
               respond(ok(200, json::object{{"conversation_id", *id}, {"message_id", answer->at("id")}}));
             });

  // {"status": "resolved"}: a staff member changes the status in Chatwoot.
  routes.add("POST", "/sandbox/chatwoot/conversations/{id}/status",
             [self](net::server_request&& request, net::respond_fn respond) {
               const auto id = conversation_of(request);
               auto body = body_object(request.body);
               const auto status = body ? string_field(*body, "status") : std::nullopt;
               if (!status || (*status != "open" && *status != "pending" && *status != "resolved" && *status != "snoozed"))
                 return respond(bad_request(R"({"status": "open" | "pending" | "resolved" | "snoozed"})"));
               if (!id) return respond(no_conversation(request));
               std::vector<chatwoot::pending_webhook> made;
               auto changed = self->locked(
                   [&](chatwoot::instant now) {
                     return self->store.toggle_status(*id, json::object{{"status", *status}},
                                                      {sender_kind::user, self->store.settings().user_id}, now);
                   },
                   made);
               self->deliver(std::move(made));
               auto* answer = std::get_if<json::value>(&changed);
               if (!answer) return respond(no_conversation(request));
               respond(ok(200, answer->at("payload")));
             });

  routes.add("GET", "/sandbox/chatwoot/conversations/{id}/transcript",
             [self](net::server_request&& request, net::respond_fn respond) {
               const auto id = conversation_of(request);
               std::optional<chatwoot::transcript> t;
               if (id) {
                 std::lock_guard lock(self->mutex);
                 t = self->store.transcript_of(*id);
               }
               if (!t) return respond(no_conversation(request));
               json::array messages, undelivered;
               for (const auto& line : t->messages) messages.push_back(line_json(line));
               for (const auto& line : t->undelivered) undelivered.push_back(line_json(line));
               respond(ok(200, json::object{{"conversation_id", t->conversation_id},
                                            {"status", t->status},
                                            {"labels", text_array(t->labels)},
                                            {"messages", std::move(messages)},
                                            {"undelivered", std::move(undelivered)}}));
             });

  routes.add("GET", "/sandbox/chatwoot/calls", [self](net::server_request&&, net::respond_fn respond) {
    json::array out;
    {
      std::lock_guard lock(self->mutex);
      for (const auto& c : self->calls)
        out.push_back(json::object{{"method", c.method},
                                   {"path", c.target},
                                   {"body", c.body},
                                   {"status", c.status},
                                   {"token", c.token},
                                   {"at", c.at}});
    }
    respond(ok(200, json::object{{"calls", std::move(out)}}));
  });

  auto current_settings = [self] {
    bool legacy = false;
    {
      std::lock_guard lock(self->mutex);
      legacy = self->store.legacy_sender();
    }
    return settings_json(self->webhooks->settings(), legacy);
  };
  routes.add("GET", "/sandbox/chatwoot/webhooks", [current_settings](net::server_request&&, net::respond_fn respond) {
    respond(ok(200, current_settings()));
  });
  // Any of {"url", "token", "secret", "drop_next": N, "legacy_sender": bool}.
  routes.add("POST", "/sandbox/chatwoot/webhooks",
             [self, current_settings](net::server_request&& request, net::respond_fn respond) {
               auto body = body_object(request.body);
               if (!body) return respond(bad_request("a JSON object"));
               const auto* url = body->if_contains("url");
               const auto* token = body->if_contains("token");
               const auto* secret = body->if_contains("secret");
               const auto* drop = body->if_contains("drop_next");
               const auto* legacy = body->if_contains("legacy_sender");
               if ((url && !url->is_string()) || (token && !token->is_string()) || (secret && !secret->is_string()) ||
                   (drop && !drop->is_int64()) || (legacy && !legacy->is_bool()))
                 return respond(bad_request(
                     R"({"url": "http://…/webhooks/chatwoot", "token": "…", "secret": "…", "drop_next": N, "legacy_sender": true})"));
               if (url || token || secret) {
                 const auto current = self->webhooks->settings();
                 self->webhooks->set_endpoint(url ? std::string(url->as_string()) : current.url,
                                              token ? std::string(token->as_string()) : current.token,
                                              secret ? std::string(secret->as_string()) : current.secret);
               }
               if (drop) self->webhooks->drop_next(static_cast<int>(drop->as_int64()));
               if (legacy) {
                 std::lock_guard lock(self->mutex);
                 self->store.set_legacy_sender(legacy->as_bool());
               }
               respond(ok(200, current_settings()));
             });

  // ?conversation=N narrows the list to one conversation's deliveries.
  routes.add("GET", "/sandbox/chatwoot/deliveries", [self](net::server_request&& request, net::respond_fn respond) {
    const auto only = request.query_param("conversation");
    json::array out;
    for (const auto& d : self->webhooks->deliveries())
      if (!only || *only == std::to_string(d.conversation_id)) out.push_back(delivery_json(d));
    respond(ok(200, json::object{{"deliveries", std::move(out)}}));
  });

  // {"count": N, "status": 429 or 5xx}: the next N API calls answer that and do nothing.
  routes.add("POST", "/sandbox/chatwoot/fail", [self](net::server_request&& request, net::respond_fn respond) {
    auto body = body_object(request.body);
    const auto* count = body ? body->if_contains("count") : nullptr;
    const auto* status = body ? body->if_contains("status") : nullptr;
    if (!count || !count->is_int64() || count->as_int64() < 0 || !status || !status->is_int64() ||
        (status->as_int64() != 429 && (status->as_int64() < 500 || status->as_int64() > 599)))
      return respond(bad_request(R"({"count": N, "status": 429 or 5xx})"));
    std::lock_guard lock(self->mutex);
    self->failures_left = static_cast<int>(count->as_int64());
    self->failure_status = static_cast<int>(status->as_int64());
    respond(ok(200, json::object{{"count", count->as_int64()}, {"status", status->as_int64()}}));
  });
  // {"ms": N}: every API answer comes N ms after the call was applied.
  routes.add("POST", "/sandbox/chatwoot/latency", [self](net::server_request&& request, net::respond_fn respond) {
    auto body = body_object(request.body);
    const auto* ms = body ? body->if_contains("ms") : nullptr;
    if (!ms || !ms->is_int64() || ms->as_int64() < 0) return respond(bad_request(R"({"ms": N})"));
    std::lock_guard lock(self->mutex);
    self->latency = std::chrono::milliseconds(ms->as_int64());
    respond(ok(200, json::object{{"ms", ms->as_int64()}}));
  });

  auto clock_json = [](const impl& s) {
    return json::object{{"now", chatwoot::iso_millis(s.now_locked())}, {"offset_seconds", s.clock_offset.count()}};
  };
  routes.add("GET", "/sandbox/chatwoot/clock", [self, clock_json](net::server_request&&, net::respond_fn respond) {
    std::lock_guard lock(self->mutex);
    respond(ok(200, clock_json(*self)));
  });
  // {"advance_seconds": 90000}: past WhatsApp's 24-hour window without waiting for it.
  routes.add("POST", "/sandbox/chatwoot/clock",
             [self, clock_json](net::server_request&& request, net::respond_fn respond) {
               auto body = body_object(request.body);
               const auto* by = body ? body->if_contains("advance_seconds") : nullptr;
               if (!by || !by->is_int64() || by->as_int64() < 0) return respond(bad_request(R"({"advance_seconds": N})"));
               std::lock_guard lock(self->mutex);
               self->clock_offset += std::chrono::seconds(by->as_int64());
               respond(ok(200, clock_json(*self)));
             });
}

}  // namespace tutorbot::sandbox
