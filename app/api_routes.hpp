#pragma once
// The bookings API of design §7 (/api/v1/…), behind the bearer token.
#include <chrono>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/tutor_registry.hpp"
#include "domain/calendar_rules.hpp"
#include "domain/catalog.hpp"
#include "domain/invite.hpp"
#include "net/router.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::app {

struct api_context {
  caf::actor_system& system;
  actors::tutor_registry_actor registry;
  caf::actor db_pool;
  const domain::calendar_rules* calendar;
  const domain::payment_catalog* payments;
  const date::time_zone* zone;
  domain::school_identity school;  // the organizer of the students' invites
  std::string api_token;  // empty: every /api/ request is refused
};

void add_api_routes(net::router& routes, const api_context& context);

// 409 or 422 for a hold or series the tutor's calendar refused.
net::server_response hold_refused(actors::hold_refusal refusal);

// A lesson's price as the chat would quote it (the weekend price included).
domain::cents lesson_price(const api_context& ctx, const domain::product& product, std::chrono::sys_seconds start);

}  // namespace tutorbot::app
