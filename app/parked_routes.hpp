#pragma once
// What tutorbot set aside for staff after failing at it again and again, behind the bearer
// token: provider webhooks it could not apply, and conversation events it could not process
// (the student was told and handed over). Nothing is dropped; everything here waits for a person.
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "net/router.hpp"

namespace tutorbot::app {

struct parked_routes_context {
  caf::actor_system& system;
  caf::actor db_pool;
  std::string api_token;
};

// GET /api/v1/ops/parked → {"webhook_events": [...], "conversation_events": [...]}
void add_parked_routes(net::router& routes, const parked_routes_context& context);

}  // namespace tutorbot::app
