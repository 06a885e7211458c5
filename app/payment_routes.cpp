#include "app/payment_routes.hpp"

#include <boost/json.hpp>

#include "actors/ask.hpp"
#include "actors/atoms.hpp"
#include "actors/clock.hpp"
#include "actors/db_messages.hpp"
#include "actors/db_pool.hpp"
#include "actors/payment_messages.hpp"
#include "app/api_http.hpp"
#include "db/inbox.hpp"
#include "db/credit.hpp"
#include "db/payments.hpp"
#include "domain/instant.hpp"
#include "net/stripe_client.hpp"
#include "net/stripe_json.hpp"
#include "net/stripe_signature.hpp"
#include "obs/log.hpp"


namespace tutorbot::app {

namespace json = boost::json;
using net::server_response;

namespace {

using actors::now_seconds;

json::object order_json(const db::order_view& o) {
  json::object out{{"order_id", o.id},
                   {"kind", o.kind},
                   {"status", o.status},
                   {"product_id", o.product_id},
                   {"amount_cents", o.total.value},
                   {"refunded_cents", o.refunded.value},
                   {"currency", o.currency}};
  if (!o.session_id.empty()) out["session_id"] = o.session_id;
  if (!o.checkout_url.empty() && o.status == "open") out["checkout_url"] = o.checkout_url;
  if (o.expires_at && o.status == "open") out["expires_at"] = domain::rfc3339(*o.expires_at);
  if (o.booking) out["booking_id"] = o.booking->value;
  if (o.series) out["series_id"] = *o.series;
  if (o.kind == "series") {
    boost::system::error_code ec;
    auto lines = json::parse(o.lines_json, ec);
    if (!ec) out["lines"] = std::move(lines);
  }
  return out;
}

std::optional<json::object> body_object(const net::server_request& req) {
  boost::system::error_code ec;
  auto body = req.body.empty() ? json::value(json::object{}) : json::parse(req.body, ec);
  if (ec || !body.is_object()) return std::nullopt;
  return body.as_object();
}

std::string text(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

server_response checkout_response(const actors::checkout_answer& a) {
  if (const auto* order = std::get_if<db::order_view>(&a.outcome))
    return server_response::json(201, json::serialize(order_json(*order)));
  switch (std::get<actors::checkout_refusal>(a.outcome)) {
    case actors::checkout_refusal::not_found: return server_response::error(404, "not_found", a.message);
    case actors::checkout_refusal::hold_expired: return server_response::error(409, "hold_expired", a.message);
    case actors::checkout_refusal::wrong_status: return server_response::error(409, "wrong_status", a.message);
    case actors::checkout_refusal::nothing_to_pay: return server_response::error(422, "nothing_to_pay", a.message);
    case actors::checkout_refusal::stripe_failed: return server_response::error(502, "stripe_failed", a.message);
  }
  return server_response::error(500, "internal", "unexpected checkout answer");
}

std::optional<domain::language> locale_of(const json::object& o) {
  auto given = text(o, "locale");
  if (given.empty()) return domain::language::nl;
  return domain::parse_language(given);
}

// POST /webhooks/stripe: nothing is parsed, stored or logged from a body whose signature
// does not verify (design invariant 6); a verified event is committed before the 200, so a
// crash after it loses nothing, and a redelivery is a no-op.
void add_stripe_webhook(net::router& routes, const payment_routes_context& ctx) {
  routes.add("POST", "/webhooks/stripe", [ctx](net::server_request&& req, net::respond_fn respond) {
    auto verdict = net::verify_stripe_signature(req.header("Stripe-Signature").value_or(""), req.body,
                                                ctx.webhook_secrets, now_seconds());
    if (verdict != net::signature_verdict::valid) {
      obs::log_warn("stripe_webhook_refused", {{"reason", std::string(net::to_string(verdict))},
                                               {"request_id", req.request_id}});
      return respond(server_response::error(400, "bad_signature", "Stripe-Signature: " + std::string(net::to_string(verdict))));
    }
    auto parsed = net::parse_stripe_event(req.body);
    if (auto* bad = std::get_if<net::stripe_parse_error>(&parsed))
      return respond(server_response::error(400, "bad_payload", bad->message));
    const auto& event = std::get<net::stripe_event>(parsed);
    // A test payment never confirms a live booking, nor a live one a test booking.
    if (event.livemode != ctx.live_mode) {
      obs::log_warn("stripe_webhook_refused", {{"reason", "wrong_mode"}, {"event_id", event.id}, {"request_id", req.request_id}});
      return respond(server_response::error(400, "wrong_mode", std::string("a ") + (event.livemode ? "live" : "test") +
                                                                   "-mode event, but STRIPE_SECRET_KEY is a " +
                                                                   (ctx.live_mode ? "live" : "test") + "-mode key"));
    }
    auto job = actors::make_db_job([id = event.id, type = event.type, body = std::move(req.body)](db::connection& conn) {
      return db::store_webhook(conn, "stripe", id, type, body);
    });
    auto payments = ctx.payments;
    actors::ask<bool>(
        ctx.system, ctx.db_pool, caf::duration{actor_timeout},
        [respond, payments](caf::expected<bool> stored) {
          // Not stored: Stripe retries a non-2xx delivery, so nothing is lost.
          if (!stored) return respond(unavailable(stored.error()));
          respond(server_response::json(200, *stored ? R"({"received":true})" : R"({"received":true,"duplicate":true})"));
          if (*stored && payments) caf::anon_send(payments, actors::nudge_atom::value);
        },
        actors::run_atom::value, job);
  });
}

template <class Request>
void ask_checkout(const payment_routes_context& ctx, net::respond_fn respond, Request request) {
  actors::ask<actors::checkout_answer>(
      ctx.system, ctx.payments, caf::duration{ctx.checkout_timeout},
      [respond](caf::expected<actors::checkout_answer> a) {
        if (!a) return respond(unavailable(a.error()));
        respond(checkout_response(*a));
      },
      actors::checkout_atom::value, std::move(request));
}

// A route opening a Checkout: the body's email and locale, and the request `make` builds from
// them (nullopt: the body lacks what it needs, answered 400 with `usage`).
template <class Make>
net::handler_fn checkout_handler(const payment_routes_context& ctx, std::string usage, Make make) {
  return [ctx, usage = std::move(usage), make](net::server_request&& req, net::respond_fn respond) {
    if (!ctx.payments)
      return respond(server_response::error(503, "payments_disabled", "Stripe is not enabled in tutorbot.yaml"));
    auto body = body_object(req);
    if (!body) return respond(server_response::error(400, "bad_json", "the body must be a JSON object"));
    auto locale = locale_of(*body);
    if (!locale) return respond(server_response::error(400, "bad_locale", "locale is nl or en"));
    auto request = make(req, *body, *locale);
    if (!request) return respond(server_response::error(400, "bad_request", usage));
    ask_checkout(ctx, std::move(respond), std::move(*request));
  };
}

}  // namespace

void add_payment_routes(net::router& routes, const payment_routes_context& ctx) {
  add_stripe_webhook(routes, ctx);
  auto guarded = [ctx](net::handler_fn handler) { return bearer_guarded(ctx.api_token, std::move(handler)); };
  // A route that changes something: a retry with the same Idempotency-Key gets the first reply.
  auto mutating = [ctx](net::handler_fn handler) {
    return guarded_idempotent(ctx.system, ctx.db_pool, ctx.api_token, std::move(handler));
  };
  routes.add("POST", "/api/v1/bookings/{id}/checkout",
             mutating(checkout_handler(ctx, "expected {email?, locale?}",
                                       [](const net::server_request& req, const json::object& body, domain::language locale) {
                                         return std::optional{actors::lesson_checkout_request{
                                             domain::booking_id{req.path_params.at("id")}, text(body, "email"), locale,
                                             std::nullopt, std::nullopt}};
                                       })));

  routes.add("POST", "/api/v1/series/{id}/checkout",
             mutating(checkout_handler(ctx, "expected {email?, locale?}",
                                       [](const net::server_request& req, const json::object& body, domain::language locale) {
                                         return std::optional{actors::series_checkout_request{
                                             req.path_params.at("id"), text(body, "email"), locale, std::nullopt,
                                             std::nullopt}};
                                       })));

  routes.add("POST", "/api/v1/packages/checkout",
             mutating(checkout_handler(
                 ctx, "expected {product_id: string, student_ref: string, email?, locale?}",
                 [](const net::server_request&, const json::object& body,
                    domain::language locale) -> std::optional<actors::package_checkout_request> {
                   if (text(body, "product_id").empty() || text(body, "student_ref").empty()) return std::nullopt;
                   return actors::package_checkout_request{text(body, "student_ref"), text(body, "product_id"),
                                                           text(body, "email"), locale, std::nullopt, std::nullopt};
                 })));

  routes.add("POST", "/api/v1/bookings/{id}/confirm-free", mutating([ctx](net::server_request&& req, net::respond_fn respond) {
    auto body = body_object(req);
    auto use = body ? text(*body, "use") : std::string{};
    auto student_ref = body ? text(*body, "student_ref") : std::string{};
    if (student_ref.empty() || (use != "trial" && use != "credit"))
      return respond(server_response::error(400, "bad_request", R"(expected {student_ref: string, use: "trial" | "credit"})"));
    auto kind = use == "trial" ? db::free_kind::trial : db::free_kind::credit;
    auto job = actors::make_db_job([id = domain::booking_id{req.path_params.at("id")}, student_ref, kind](db::connection& conn) {
      auto student = db::ensure_student(conn, student_ref, "");
      return db::confirm_without_payment(conn, id, student, kind, now_seconds());
    });
    auto outbox = ctx.outbox;
    actors::ask<db::free_confirm_result>(
        ctx.system, ctx.db_pool, caf::duration{actor_timeout},
        [respond, outbox](caf::expected<db::free_confirm_result> r) {
          if (!r) return respond(unavailable(r.error()));
          std::visit(
              [&](const auto& v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, domain::booking>) {
                  if (outbox) caf::anon_send(outbox, actors::nudge_atom::value);
                  respond(server_response::json(200, booking_json_text(v)));
                } else if constexpr (std::is_same_v<T, db::not_found>) {
                  respond(server_response::error(404, "not_found", "no such booking"));
                } else if constexpr (std::is_same_v<T, db::hold_expired>) {
                  respond(server_response::error(409, "hold_expired", "the hold ended; hold the slot again"));
                } else if constexpr (std::is_same_v<T, db::wrong_status>) {
                  respond(server_response::error(409, "wrong_status", "the booking is " + std::string(domain::to_string(v.status))));
                } else if constexpr (std::is_same_v<T, db::trial_already_used>) {
                  respond(server_response::error(409, "trial_already_used", "this student has had the free trial"));
                } else {
                  respond(server_response::error(409, "no_credit", "this student has no lesson credit left"));
                }
              },
              *r);
        },
        actors::run_atom::value, job);
  }));

  routes.add("GET", "/api/v1/students/{ref}/credit", guarded([ctx](net::server_request&& req, net::respond_fn respond) {
    auto job = actors::make_db_job([ref = req.path_params.at("ref")](db::connection& conn) {
      return db::credit_balance_of(conn, ref);
    });
    actors::ask<long long>(
        ctx.system, ctx.db_pool, caf::duration{actor_timeout},
        [respond](caf::expected<long long> balance) {
          if (!balance) return respond(unavailable(balance.error()));
          respond(server_response::json(200, json::serialize(json::object{{"lessons", *balance}})));
        },
        actors::run_atom::value, job);
  }));

  routes.add("GET", "/api/v1/orders/{id}", guarded([ctx](net::server_request&& req, net::respond_fn respond) {
    auto job = actors::make_db_job([id = req.path_params.at("id")](db::connection& conn) { return db::find_order(conn, id); });
    actors::ask<std::optional<db::order_view>>(
        ctx.system, ctx.db_pool, caf::duration{actor_timeout},
        [respond](caf::expected<std::optional<db::order_view>> order) {
          if (!order) return respond(unavailable(order.error()));
          if (!*order) return respond(server_response::error(404, "not_found", "no such order"));
          respond(server_response::json(200, json::serialize(order_json(**order))));
        },
        actors::run_atom::value, job);
  }));
}

}  // namespace tutorbot::app
