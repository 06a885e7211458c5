#pragma once
// The reminders actor (issue 16): every `interval`, and when the next planned reminder is
// due, it plans the reminders of the lessons that
// start soon (domain::reminder_due, one row per lesson, channel and invite sequence) and
// queues those that are due as outbox work (db::release_due_reminders), so each goes out once
// across restarts and instances, and never for a lesson that moved or was cancelled since.
#include <chrono>
#include <cstddef>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <date/tz.h>

#include "db/connection.hpp"
#include "domain/reminder_plan.hpp"

namespace tutorbot::actors {

struct reminders_settings {
  std::string database_url;
  caf::actor outbox;  // nudged when reminders were queued
  const date::time_zone* zone = nullptr;
  domain::reminder_rules rules;
  bool whatsapp = false;  // the channels that are on
  bool email = false;
  std::chrono::seconds interval{60};
};

// One round at `now`: queues what is due (nothing inside the quiet hours), then plans the
// lessons starting before now + rules.before + a day. Returns how many reminders were queued.
std::size_t plan_and_release_reminders(db::connection& conn, const reminders_settings& settings,
                                       std::chrono::sys_seconds now);

caf::actor spawn_reminders(caf::actor_system& system, reminders_settings settings);

}  // namespace tutorbot::actors
