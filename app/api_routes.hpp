#pragma once
// The bookings API of design §7 (/api/v1/…), behind the bearer token.
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

}  // namespace tutorbot::app
