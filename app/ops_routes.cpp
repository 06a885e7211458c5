#include "app/ops_routes.hpp"

#include <chrono>

#include "obs/metrics.hpp"

namespace tutorbot::app {

namespace {

// A reading older than this (the prober itself stuck) says nothing about now.
constexpr auto reading_valid_for = std::chrono::seconds(3);

}  // namespace

void add_ops_routes(net::router& routes, const ops_context& context) {
  routes.add("GET", "/healthz", [](net::server_request&&, net::respond_fn respond) {
    respond(net::server_response::json(200, R"({"status":"alive"})"));
  });

  routes.add("GET", "/readyz", [context](net::server_request&&, net::respond_fn respond) {
    if (context.stopping) {
      return respond(net::server_response::error(503, "shutting_down", "the service is stopping"));
    }
    const auto reading = context.readiness->last();
    if (std::chrono::steady_clock::now() - reading.at > reading_valid_for)
      return respond(net::server_response::error(503, "database_unavailable", "the database does not answer"));
    switch (reading.status) {
      case readiness_status::ready: return respond(net::server_response::json(200, R"({"status":"ready"})"));
      case readiness_status::migrations_pending:
        return respond(net::server_response::error(503, "migrations_pending", "run tutorbot migrate"));
      case readiness_status::migrations_diverged:
        return respond(net::server_response::error(503, "migrations_diverged",
                                                   "the database schema does not match this build"));
      case readiness_status::database_unavailable:
      case readiness_status::unknown:
        return respond(net::server_response::error(503, "database_unavailable", "the database does not answer"));
    }
  });

  routes.add("GET", "/metrics", [&metrics = context.metrics](net::server_request&&, net::respond_fn respond) {
    respond(net::server_response::text(200, metrics.render(), "text/plain; version=0.0.4"));
  });
}

}  // namespace tutorbot::app
