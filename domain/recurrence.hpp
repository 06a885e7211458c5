#pragma once
// Weekly and bi-weekly lesson series: the occurrences (same local wall-clock time every
// interval weeks, so the UTC instant moves with DST), a per-occurrence collision check
// under the school's policy, and the RFC 5545 recurrence lines for the calendar event.

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "domain/availability.hpp"

namespace tutorbot::domain {

// The longest series accepted: two school years of weekly lessons.
inline constexpr int max_series_occurrences = 104;
// append_at_end tries at most this many dates after the series for replacements.
inline constexpr int max_appended_probes = 12;

struct series_request {
  std::chrono::sys_seconds first_start;
  int duration_minutes = 60;
  int interval_weeks = 1;                          // 1 weekly, 2 bi-weekly
  std::optional<int> count;                        // exactly one of count and until
  std::optional<std::chrono::year_month_day> until;  // local date, inclusive
};

enum class series_error {
  count_or_until_required,  // neither or both given
  invalid_interval,         // interval_weeks < 1
  invalid_count,            // count < 1
  until_before_first,       // until is before the first lesson's local date
  too_long,                 // more than max_series_occurrences lessons
  invalid_duration,         // duration_minutes < 1
};

std::string to_string(series_error e);

// The lessons of a series, in order. Each is first_start's local wall-clock time on
// its date. As in RFC 5545 §3.3.5 (so the calendar expands the RRULE to the same
// instants): a wall time that occurs twice means its first occurrence; one skipped by
// a spring-forward jump is read with the offset before the gap (02:30 -> 03:30 CEST).
std::variant<std::vector<slot>, series_error> occurrences(const series_request& request,
                                                          const date::time_zone* zone);

enum class collision_policy { reject_series, skip_date, append_at_end };

enum class collision_reason {
  too_soon,        // before now + min_notice
  beyond_horizon,  // at or after now + horizon
  closed,          // school holiday, day off, or no working hours that date
  outside_hours,   // not within working hours on the step grid, or in a break/absence
  day_full,        // max_lessons_per_day reached
  taken,           // overlaps a booking or event, buffers included
};

std::string to_string(collision_reason r);

// Tells whether an occurrence can be booked: nothing if free, else why not.
using occurrence_check = std::function<std::optional<collision_reason>(const slot&)>;

// The usual check: the occurrence must be one of available_slots' answers for the
// tutor. The referenced rules, holidays and busy intervals must outlive the check.
occurrence_check availability_check(const tutor_rules& tutor, const date::time_zone* zone,
                                    std::span<const date_range> school_holidays,
                                    std::span<const busy_interval> busy,
                                    std::chrono::sys_seconds now);

struct occurrence_collision {
  std::chrono::year_month_day date;  // local date of the occurrence
  slot when;
  collision_reason reason;
};

struct series_plan {
  bool rejected = false;                        // reject_series met a collision: book nothing
  std::vector<slot> lessons;                    // to book, ascending
  std::vector<occurrence_collision> collisions;  // every occurrence checked and found busy
  int unfilled = 0;  // append_at_end: replacements not found within max_appended_probes
  // The recurrence that, minus `excluded`, yields exactly `lessons` (for the calendar).
  series_request rule;
  std::vector<std::chrono::sys_seconds> excluded;
};

std::variant<series_plan, series_error> plan_series(const series_request& request,
                                                    const date::time_zone* zone,
                                                    collision_policy policy,
                                                    const occurrence_check& is_free);

// "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=10" (INTERVAL only when not 1), or with
// "UNTIL=20270612T215959Z": RFC 5545 §3.3.10 requires UNTIL in UTC when DTSTART carries
// a TZID, so the inclusive local date becomes the last second of that local day in UTC.
std::string rrule(const series_request& request, const date::time_zone* zone);

// The lines for a calendar event's recurrence (Google Calendar's `recurrence` field):
// the RRULE, then one "EXDATE;TZID=Europe/Amsterdam:20270105T160000" per excluded
// date. Empty for a rejected plan.
std::vector<std::string> recurrence_lines(const series_plan& plan, const date::time_zone* zone);

}  // namespace tutorbot::domain
