#include "app/parked_routes.hpp"

#include <boost/json.hpp>

#include "actors/ask.hpp"
#include "actors/db_pool.hpp"
#include "app/api_http.hpp"
#include "db/conversations.hpp"
#include "db/inbox.hpp"
#include "db/outbox.hpp"
#include "domain/instant.hpp"

namespace tutorbot::app {

namespace {

namespace json = boost::json;

constexpr auto db_timeout = std::chrono::seconds(10);
constexpr int given_up_listed = 500;

struct parked_work {
  std::vector<db::parked_event> webhook_events;
  std::vector<db::parked_conversation_event> conversation_events;
  std::vector<db::given_up_work> outbox;
};

json::value to_json(const parked_work& parked) {
  json::array webhooks;
  for (const auto& e : parked.webhook_events)
    webhooks.push_back(json::object{{"provider", e.provider},
                                    {"event_id", e.event_id},
                                    {"type", e.event_type},
                                    {"attempts", e.attempts},
                                    {"last_error", e.last_error},
                                    {"received_at", domain::rfc3339(e.received_at)},
                                    {"parked_at", domain::rfc3339(e.parked_at)}});
  json::array conversations;
  for (const auto& e : parked.conversation_events)
    conversations.push_back(json::object{{"conversation_id", e.conversation_id},
                                         {"event_id", e.event_id},
                                         {"kind", e.kind},
                                         {"attempts", e.attempts},
                                         {"last_error", e.last_error},
                                         {"parked_at", domain::rfc3339(e.parked_at)}});
  json::array outbox;
  for (const auto& w : parked.outbox) {
    json::object row{{"id", w.id},
                     {"kind", w.kind},
                     {"attempts", w.attempts},
                     {"last_error", w.last_error},
                     {"given_up_at", domain::rfc3339(w.given_up_at)}};
    boost::system::error_code ec;
    if (auto payload = json::parse(w.payload, ec); !ec && payload.is_object())
      if (const auto* conversation = payload.as_object().if_contains("conversation_id"))
        row["conversation_id"] = *conversation;
    outbox.push_back(std::move(row));
  }
  return json::object{{"webhook_events", std::move(webhooks)},
                      {"conversation_events", std::move(conversations)},
                      {"outbox", std::move(outbox)}};
}

}  // namespace

}  // namespace tutorbot::app

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::app::parked_work)

namespace tutorbot::app {

void add_parked_routes(net::router& routes, const parked_routes_context& ctx) {
  routes.add("GET", "/api/v1/ops/parked",
             bearer_guarded(ctx.api_token, [ctx](net::server_request&&, net::respond_fn respond) {
               auto job = actors::make_db_job([](db::connection& conn) {
                 return parked_work{db::parked_events(conn), db::parked_conversation_events(conn),
                                    db::given_up_outbox(conn, given_up_listed)};
               });
               actors::ask<parked_work>(
                   ctx.system, ctx.db_pool, caf::duration{db_timeout},
                   [respond](caf::expected<parked_work> parked) {
                     if (!parked) return respond(unavailable(parked.error()));
                     respond(net::server_response::json(200, json::serialize(to_json(*parked))));
                   },
                   actors::run_atom::value, job);
             }));
}

}  // namespace tutorbot::app
