#include "app/idempotency.hpp"

#include <algorithm>

#include "actors/ask.hpp"
#include "actors/db_messages.hpp"
#include "actors/db_pool.hpp"
#include "app/api_http.hpp"
#include "db/idempotency.hpp"
#include "net/crypto.hpp"


namespace tutorbot::app {

namespace {

// The key is claimed before the route runs and its reply kept after: a database that does
// not answer within this adds at most this much to a 503.
constexpr auto db_timeout = std::chrono::seconds(4);
constexpr std::size_t max_key_length = 255;  // Stripe's limit
// Longer than any of these routes may take (checkout: 75 s): a key without a reply for this
// long belongs to a request whose process died, and the next request with it runs.
constexpr auto in_flight_limit = std::chrono::seconds(120);

bool valid_key(const std::string& key) {
  return !key.empty() && key.size() <= max_key_length &&
         std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 127; });
}

// The reply once it is stored (or not kept, for a 5xx); the client hears it either way.
void keep_then_respond(caf::actor_system& system, const caf::actor& db_pool, const std::string& key,
                       net::server_response reply, const net::respond_fn& respond) {
  auto job = reply.status >= 500
                 ? actors::make_db_job([key](db::connection& conn) {
                     db::forget_idempotency_key(conn, key);
                     return true;
                   })
                 : actors::make_db_job([key, kept = db::idempotent_reply{reply.status, reply.content_type, reply.body}](
                                           db::connection& conn) {
                     db::record_idempotent_reply(conn, key, kept);
                     return true;
                   });
  actors::ask<bool>(
      system, db_pool, caf::duration{db_timeout},
      [respond, reply = std::move(reply)](caf::expected<bool>) mutable { respond(std::move(reply)); },
      actors::run_atom::value, job);
}

}  // namespace

net::handler_fn idempotent(caf::actor_system& system, caf::actor db_pool, net::handler_fn handler) {
  return [&system, db_pool, handler = std::move(handler)](net::server_request&& req, net::respond_fn respond) {
    auto key = req.header("Idempotency-Key");
    if (!key) return handler(std::move(req), std::move(respond));
    if (!valid_key(*key))
      return respond(net::server_response::error(400, "bad_idempotency_key",
                                                 "Idempotency-Key must be 1 to 255 visible ASCII characters"));
    auto fingerprint = net::sha256_hex(req.method + " " + req.target + "\n" + req.body);
    // Claimed only while this request still waits: a claim made after it gave up would hold
    // the key, without a reply, against the client's retry.
    auto job = actors::make_db_job(
        [key = *key, fingerprint](db::connection& conn) {
          return db::claim_idempotency_key(conn, key, fingerprint, in_flight_limit);
        },
        std::chrono::steady_clock::now() + db_timeout / 2);
    auto request = std::make_shared<net::server_request>(std::move(req));
    actors::ask<db::idempotency_claim>(
        system, db_pool, caf::duration{db_timeout},
        [&system, db_pool, handler, request, respond, key = *key](caf::expected<db::idempotency_claim> claim) {
          if (!claim) return respond(unavailable(claim.error()));
          if (auto* kept = std::get_if<db::idempotent_reply>(&*claim)) {
            auto replay = net::server_response::text(kept->status, kept->body, kept->content_type);
            replay.headers.emplace_back("Idempotent-Replayed", "true");
            return respond(std::move(replay));
          }
          if (std::holds_alternative<db::key_in_use>(*claim))
            return respond(net::server_response::error(409, "idempotency_key_in_use",
                                                       "a request with this Idempotency-Key is still running; retry later"));
          if (std::holds_alternative<db::key_reused_differently>(*claim))
            return respond(net::server_response::error(
                422, "idempotency_key_reused", "this Idempotency-Key was used with another request; use a new key"));
          handler(std::move(*request), [&system, db_pool, key, respond](net::server_response reply) {
            keep_then_respond(system, db_pool, key, std::move(reply), respond);
          });
        },
        actors::run_atom::value, job);
  };
}

}  // namespace tutorbot::app
