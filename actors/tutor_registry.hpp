#pragma once
// Spawns a tutor_calendar per tutor on first use, routes requests to it, and respawns it
// (reloading from the database) after it went down.
#include <chrono>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "domain/calendar_rules.hpp"
#include "domain/catalog.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::net {
class google_calendar_client;
}

namespace tutorbot::actors {

struct tutor_registry_settings {
  domain::calendar_rules calendar;
  const date::time_zone* zone = nullptr;
  caf::actor db_pool;
  std::chrono::seconds hold_duration{20 * 60};
  std::chrono::seconds reload_interval{60};
  net::google_calendar_client* google = nullptr;  // null: Google Calendar is not enabled
  std::string default_calendar_id;                 // for tutors without a calendar_id of their own
  std::chrono::seconds busy_refresh{60};
  std::chrono::seconds busy_max_age_for_hold{30};
  caf::actor outbox;  // nudged after confirm, cancel and reschedule
  const domain::cancellation_policy* cancellation = nullptr;  // refunds on cancel; must outlive the registry
};

// Answers (slots_atom, slots_request), (hold_atom, hold_request), and (confirm_atom |
// cancel_atom | reschedule_atom, transition_request); takes (changed_atom,
// booking_change) and (reload_atom) for every calendar.
caf::actor spawn_tutor_registry(caf::actor_system& system, tutor_registry_settings settings);

}  // namespace tutorbot::actors
