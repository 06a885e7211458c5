#pragma once
// When a lesson's reminder goes out (issue 16): `before` real hours ahead of its start, or
// earlier, a minute before the school's quiet hours, when that moment falls inside them — a
// reminder never wakes anyone; when the lesson was booked after they began, at their end
// instead, if the lesson is still ahead then. A lesson booked so close to its start that the
// moment has passed gets none: its confirmation said when it is.
#include <chrono>
#include <optional>

#include <date/tz.h>

#include "domain/booking.hpp"

namespace tutorbot::domain {

struct quiet_hours {
  std::chrono::minutes from{21 * 60};  // local wall-clock time, [from, to); may be later than `to` (overnight)
  std::chrono::minutes to{8 * 60};
};

struct reminder_rules {
  std::chrono::hours before{24};
  quiet_hours quiet;
};

// Whether `t` falls inside the quiet hours (local wall-clock time): nothing is sent then.
bool in_quiet_hours(std::chrono::sys_seconds t, const quiet_hours& quiet, const date::time_zone* zone);

// Whether a reminder planned at invite sequence `sequence` still has a lesson to remind of at
// `now`: confirmed, not moved or cancelled since (its sequence unchanged), not begun.
bool reminder_still_wanted(const booking& b, int sequence, std::chrono::sys_seconds now);

std::optional<std::chrono::sys_seconds> reminder_due(std::chrono::sys_seconds lesson_start,
                                                     std::chrono::sys_seconds booked_at, const reminder_rules& rules,
                                                     const date::time_zone* zone);

}  // namespace tutorbot::domain
