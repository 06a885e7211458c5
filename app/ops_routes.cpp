#include "app/ops_routes.hpp"

#include <chrono>

#include "actors/ask.hpp"
#include "actors/db_pool.hpp"
#include "db/migrations.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::app {

namespace {

// Longer than one failed connect would take is pointless: readiness must flip fast.
constexpr auto readiness_timeout = std::chrono::seconds(2);

}  // namespace

void add_ops_routes(net::router& routes, const ops_context& context) {
  routes.add("GET", "/healthz", [](net::server_request&&, net::respond_fn respond) {
    respond(net::server_response::json(200, R"({"status":"alive"})"));
  });

  routes.add("GET", "/readyz", [context](net::server_request&&, net::respond_fn respond) {
    if (context.stopping) {
      return respond(net::server_response::error(503, "shutting_down", "the service is stopping"));
    }
    auto job = actors::make_db_job([](db::connection& conn) {
      return static_cast<int>(db::check_schema(conn, db::bundled_migrations()));
    });
    actors::ask<int>(
        context.system, context.db_pool, caf::duration{readiness_timeout},
        [respond](caf::expected<int> status) {
          if (!status) {
            return respond(net::server_response::error(503, "database_unavailable",
                                                       "the database does not answer"));
          }
          switch (static_cast<db::schema_status>(*status)) {
            case db::schema_status::current:
              return respond(net::server_response::json(200, R"({"status":"ready"})"));
            case db::schema_status::behind:
              return respond(net::server_response::error(503, "migrations_pending",
                                                         "run tutorbot migrate"));
            case db::schema_status::diverged:
              return respond(net::server_response::error(
                  503, "migrations_diverged", "the database schema does not match this build"));
          }
        },
        actors::run_atom::value, job);
  });

  routes.add("GET", "/metrics", [&metrics = context.metrics](net::server_request&&, net::respond_fn respond) {
    respond(net::server_response::text(200, metrics.render(), "text/plain; version=0.0.4"));
  });
}

}  // namespace tutorbot::app
