#pragma once
// Lesson reminders as rows (schema 015): planned once per lesson, channel and invite sequence,
// released once when due — the release marks the row and queues its outbox work in one
// transaction, so a reminder goes out once across restarts and instances, and never for a
// lesson that moved or was cancelled since it was planned.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"
#include "domain/booking.hpp"

namespace tutorbot::db {

enum class reminder_channel { whatsapp, email };
std::string_view to_string(reminder_channel c);

struct unplanned_reminder {
  domain::booking booking;
  std::chrono::sys_seconds changed_at;  // when the student last learned the lesson's time
};

// Confirmed lessons starting in [from, to) with no plan yet for `channel` at their current
// invite sequence, soonest first.
std::vector<unplanned_reminder> unplanned_reminders(connection& conn, reminder_channel channel,
                                                    std::chrono::sys_seconds from, std::chrono::sys_seconds to,
                                                    int limit);

// The plan for one lesson at one sequence: due then, or (nullopt) none. Planning twice keeps
// the first plan.
void plan_reminder(connection& conn, const domain::booking_id& booking, int sequence, reminder_channel channel,
                   std::optional<std::chrono::sys_seconds> due);

struct released_reminder {
  std::string booking_id;
  reminder_channel channel;
  int sequence = 0;
};

// Every planned reminder due by `now`: queued as outbox work (reminder.whatsapp or
// reminder.email, keyed by booking, channel and sequence) and marked sent when its lesson is
// still confirmed at the planned sequence and starts after `now`; marked dropped otherwise.
// Returns the queued ones.
std::vector<released_reminder> release_due_reminders(connection& conn, std::chrono::sys_seconds now, int limit);

// When the planned reminder due first is due; nullopt when none waits.
std::optional<std::chrono::sys_seconds> next_reminder_due(connection& conn);

}  // namespace tutorbot::db
