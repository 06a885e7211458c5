#include "app/chatwoot_routes.hpp"

#include "actors/ask.hpp"
#include "actors/atoms.hpp"
#include "actors/chatwoot_catchup.hpp"
#include "actors/conversation_codec.hpp"
#include "actors/db_pool.hpp"
#include "db/conversations.hpp"
#include "net/chatwoot_json.hpp"
#include "net/chatwoot_signature.hpp"
#include "net/constant_time.hpp"
#include "obs/log.hpp"

namespace tutorbot::app {

using net::server_response;

namespace {

constexpr auto store_timeout = std::chrono::seconds(4);  // inside Chatwoot's 5 s

struct stored_event {
  long long conversation_id = 0;
  long long account_id = 0;
  std::string dedupe_key, kind, payload;
};

// What tutorbot acts on: a student's own message, a message of the bot that WhatsApp refused,
// or staff resolving / handing back.
std::optional<stored_event> to_store(const net::chatwoot_event& event, const net::server_request& req) {
  if (!event.conversation || event.conversation->id.value == 0) return std::nullopt;
  stored_event out;
  out.conversation_id = event.conversation->id.value;
  out.account_id = event.conversation->account_id;
  if (net::is_from_student(event) && event.message) {
    const auto& m = *event.message;
    out.dedupe_key = "message:" + std::to_string(m.id);
    out.kind = db::conversation_event_kind::message;
    out.payload = actors::student_message_payload(m, out.account_id);
    return out;
  }
  if (net::is_refused_bot_message(event)) {
    const auto& m = *event.message;
    out.dedupe_key = "refused:" + std::to_string(m.id);  // Chatwoot reports a failure once per message
    out.kind = db::conversation_event_kind::delivery_failed;
    out.payload = actors::refused_message_payload(m, out.account_id);
    return out;
  }
  const auto status = event.conversation->status;
  const bool status_event = event.kind == net::chatwoot_event_kind::conversation_status_changed ||
                            event.kind == net::chatwoot_event_kind::conversation_resolved;
  if (status_event && (status == net::chatwoot_status::resolved || status == net::chatwoot_status::pending)) {
    auto delivery = req.header("X-Chatwoot-Delivery").value_or(req.request_id);
    out.dedupe_key = "status:" + std::to_string(out.conversation_id) + ":" + delivery;
    out.kind = db::conversation_event_kind::status;
    out.payload = actors::status_payload(status, out.account_id);
    return out;
  }
  return std::nullopt;
}

}  // namespace

void add_chatwoot_routes(net::router& routes, const chatwoot_routes_context& ctx) {
  routes.add("POST", "/webhooks/chatwoot", [ctx](net::server_request&& req, net::respond_fn respond) {
    auto token = req.query_param("token").value_or("");
    if (ctx.webhook_token.empty() || !net::constant_time_equal(token, ctx.webhook_token))
      return respond(server_response::error(401, "bad_token", "the webhook token is missing or wrong"));
    if (!ctx.signing_secret.empty()) {
      auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
      auto verdict = net::verify_chatwoot_signature(req.header("X-Chatwoot-Signature").value_or(""),
                                                    req.header("X-Chatwoot-Timestamp").value_or(""), req.body,
                                                    ctx.signing_secret, now);
      if (verdict != net::chatwoot_signature_verdict::valid)
        return respond(server_response::error(401, "bad_signature", std::string(net::to_string(verdict))));
    }
    auto parsed = net::parse_chatwoot_webhook(req.body);
    if (auto* bad = std::get_if<net::chatwoot_parse_error>(&parsed))
      return respond(server_response::error(400, "bad_payload", bad->message));
    auto event = to_store(std::get<net::chatwoot_event>(parsed), req);
    if (!event) return respond(server_response::json(200, R"({"received":true,"ignored":true})"));
    if (ctx.account_id != 0 && event->account_id != 0 && event->account_id != ctx.account_id)
      return respond(server_response::error(401, "wrong_account", "this webhook is for another Chatwoot account"));
    if (event->account_id == 0) event->account_id = ctx.account_id;
    auto job = actors::make_db_job([e = *event](db::connection& conn) {
      return db::store_conversation_event(conn, e.conversation_id, e.account_id, e.dedupe_key, e.kind, e.payload);
    });
    auto conversations = ctx.conversations;
    auto conversation = event->conversation_id;
    actors::ask<bool>(
        ctx.system, ctx.db_pool, caf::duration{store_timeout},
        [respond, conversations, conversation](caf::expected<bool> stored) {
          // Chatwoot retries a webhook only after 429 or 500 (three times, 3 s apart); any other
          // failure hands a pending conversation to staff. Not stored yet is worth a retry.
          if (!stored)
            return respond(server_response::error(500, "not_stored", "the event could not be stored yet; retry"));
          respond(server_response::json(200, *stored ? R"({"received":true})" : R"({"received":true,"duplicate":true})"));
          if (*stored && conversations) caf::anon_send(conversations, actors::news_atom::value, conversation);
        },
        actors::run_atom::value, job);
  });
}

}  // namespace tutorbot::app
