#pragma once
// Spawns a tutor_calendar per tutor on first use, routes requests to it, and respawns it
// (reloading from the database) after it went down.
#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/calendar_messages.hpp"
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

// Answers slot queries, holds and series (routed by tutor) and confirm, cancel and
// reschedule (routed by the booking's tutor) and a series' confirmation and cancellation (by
// the series' tutor); takes booking changes and reloads for every calendar.
// Typed: the compiler checks every message sent to it and every answer awaited.
using tutor_registry_actor =
    caf::typed_actor<caf::replies_to<slots_atom, slots_request>::with<slots_answer>,
                     caf::replies_to<hold_atom, hold_request>::with<hold_answer>,
                     caf::replies_to<series_atom, series_hold_request>::with<series_answer>,
                     caf::replies_to<series_confirm_atom, series_change_request>::with<series_change_answer>,
                     caf::replies_to<series_cancel_atom, series_change_request>::with<series_change_answer>,
                     caf::replies_to<confirm_atom, transition_request>::with<transition_answer>,
                     caf::replies_to<cancel_atom, transition_request>::with<transition_answer>,
                     caf::replies_to<reschedule_atom, transition_request>::with<transition_answer>,
                     caf::reacts_to<changed_atom, booking_change>, caf::reacts_to<reload_atom>>;

tutor_registry_actor spawn_tutor_registry(caf::actor_system& system, tutor_registry_settings settings);

}  // namespace tutorbot::actors
