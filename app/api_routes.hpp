#pragma once
// The bookings API of design §7 (/api/v1/…), behind the bearer token.
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include "domain/booking.hpp"
#include "domain/calendar_rules.hpp"
#include "domain/catalog.hpp"
#include "net/router.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::app {

struct api_context {
  caf::actor_system& system;
  caf::actor registry;
  caf::actor db_pool;
  const domain::calendar_rules* calendar;
  const domain::payment_catalog* payments;
  const date::time_zone* zone;
  std::string api_token;  // empty: every /api/ request is refused
};

void add_api_routes(net::router& routes, const api_context& context);

// Shared by the /api/ route files.
// Refuses (401) requests without `Authorization: Bearer <token>`; an empty token refuses all.
net::handler_fn bearer_guarded(std::string token, net::handler_fn handler);
// A booking as the API shows it (JSON text).
std::string booking_json_text(const domain::booking& booking);
// 503 for an actor or database that did not answer.
net::server_response unavailable(const caf::error& error);

}  // namespace tutorbot::app
