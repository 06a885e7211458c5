#pragma once
// Spawns a tutor_calendar per tutor on first use, routes requests to it, and respawns it
// (reloading from the database) after it went down.
#include <chrono>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/tutor_calendar.hpp"
#include "domain/calendar_rules.hpp"

namespace tutorbot::actors {

struct tutor_registry_settings {
  domain::calendar_rules calendar;  // the tutors, and the school holidays every calendar keeps
  std::string default_calendar_id;  // for tutors without a calendar_id of their own
  // What every tutor's calendar starts from; the registry adds the tutor's rules, its
  // calendar id and the school holidays.
  tutor_calendar_settings each_calendar;
};

// Answers (slots_atom, slots_request), (hold_atom, hold_request), and (confirm_atom |
// cancel_atom | reschedule_atom, transition_request); takes (changed_atom,
// booking_change) and (reload_atom) for every calendar.
caf::actor spawn_tutor_registry(caf::actor_system& system, tutor_registry_settings settings);

}  // namespace tutorbot::actors
