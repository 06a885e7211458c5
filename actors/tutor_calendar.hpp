#pragma once
// One actor per tutor: keeps the tutor's rules, active bookings and calendar busy times in
// memory, answers slot queries from memory, and serialises hold / confirm / cancel for the
// tutor (by blocked period: overlapping holds never race each other to the database). The database's exclusion constraint has the final word, so two instances, each
// with its own actor for the same tutor, still never double-book.
#include <chrono>
#include <vector>

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

struct tutor_calendar_settings {
  domain::tutor_rules rules;
  const date::time_zone* zone = nullptr;
  std::vector<domain::date_range> school_holidays;
  caf::actor db_pool;
  std::chrono::seconds hold_duration{20 * 60};
  // A fallback for missed notifications: the actor re-reads its bookings this often.
  std::chrono::seconds reload_interval{60};
  std::chrono::seconds db_timeout{5};
  // The tutor's Google calendar, whose busy times (lessons elsewhere, a dentist, a holiday)
  // remove slots. Without a client only bookings and rules count.
  net::google_calendar_client* google = nullptr;
  std::string calendar_id;
  std::chrono::seconds busy_refresh{60};
  // A hold first re-reads the busy times when they are older than this, so an event the tutor
  // added minutes ago is respected; it waits at most busy_wait for Google, then uses the cache.
  std::chrono::seconds busy_max_age_for_hold{30};
  std::chrono::milliseconds busy_wait{2000};
  // Told (nudge_atom) after every change that enqueued outbox work, to start it at once.
  caf::actor outbox;
  // How far ahead series may run; the busy times are read that far too.
  domain::series_rules series;
  // What a cancellation gives back (refund or credit); null: nothing automatic.
  const domain::cancellation_policy* cancellation = nullptr;
};

// Spawned by the registry, linked to it.
caf::actor spawn_tutor_calendar(caf::local_actor* parent, tutor_calendar_settings settings);

}  // namespace tutorbot::actors
