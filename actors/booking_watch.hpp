#pragma once
// Keeps the tutor calendars in step with the database beyond this instance:
// - a detached listener forwards every booking_changed notification (bookings made by
//   other instances) to the registry, and asks for a full reload after reconnecting;
// - a sweeper expires holds past their expiry and frees their slots.
#include <chrono>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/tutor_registry.hpp"

namespace tutorbot::actors {

caf::actor spawn_booking_listener(caf::actor_system& system, std::string database_url, tutor_registry_actor registry);

caf::actor spawn_hold_sweeper(caf::actor_system& system, caf::actor db_pool, tutor_registry_actor registry,
                              std::chrono::milliseconds interval);

}  // namespace tutorbot::actors
