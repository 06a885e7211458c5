#pragma once
// Weekly and bi-weekly lesson series: the occurrences (same local wall-clock time every
// interval weeks, so the UTC instant moves with DST), a per-occurrence collision check
// under the school's policy (reject, skip, move within the week, or extend at the end),
// and the RFC 5545 recurrence lines that describe the plan.

#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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

// "reject", "skip", "move", "extend": the names of the API and the configuration.
std::string_view to_string(collision_policy p);
std::optional<collision_policy> parse_collision_policy(std::string_view name);

enum class collision_reason {
  too_soon,        // before now + min_notice
  beyond_horizon,  // at or after now + horizon
  closed,          // school holiday, day off, or no working hours that date
  outside_hours,   // not within working hours on the step grid, or in a break/absence
  day_full,        // max_lessons_per_day reached
  taken,           // overlaps a booking or event, buffers included
};

std::string to_string(collision_reason r);

// Why an occurrence cannot be booked; `name` is what closes the day ("meivakantie"), when
// the reason is closed by a named holiday or day off.
struct occurrence_clash {
  occurrence_clash(collision_reason r, std::string n = {}) : reason(r), name(std::move(n)) {}
  collision_reason reason;
  std::string name;
};

// Tells whether an occurrence can be booked: nothing if free, else why not.
using occurrence_check = std::function<std::optional<occurrence_clash>(const slot&)>;

// The free times of the tutor in [from, to), ascending (move_within_week's candidates).
using free_slot_finder = std::function<std::vector<slot>(std::chrono::sys_seconds from, std::chrono::sys_seconds to)>;

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
  std::string name;  // the holiday or day off that closes the date, if named
};

struct occurrence_move {
  slot from, to;  // the planned time, and the free time in its week that replaces it
};

struct series_plan {
  bool rejected = false;                        // reject_series met a collision: book nothing
  std::vector<slot> lessons;                    // to book, ascending
  std::vector<occurrence_collision> collisions;  // every occurrence checked and found busy
  std::vector<occurrence_move> moved;            // move_within_week: each collision it placed
  int unfilled = 0;  // move_within_week, append_at_end: lost dates without a replacement
  // The recurrence that, minus `excluded` and plus `added`, yields exactly `lessons`.
  series_request rule;
  std::vector<std::chrono::sys_seconds> excluded;
  std::vector<std::chrono::sys_seconds> added;  // moved lessons' new starts (RDATE)
};

// `free_in` is asked only by move_within_week, which needs it.
std::variant<series_plan, series_error> plan_series(const series_request& request,
                                                    const date::time_zone* zone,
                                                    collision_policy policy,
                                                    const occurrence_check& is_free,
                                                    const free_slot_finder& free_in = {});

// What the plan left out or moved, as stored with a series and shown by the API:
// [{"date":"2027-04-27","start":"2027-04-27T14:00:00Z","reason":"closed","name":"meivakantie",
//   "moved_to":"2027-04-29T14:00:00Z"}], "name" only for a named holiday or day off and
// "moved_to" only for a lesson the plan moved.
std::string clashes_json(const series_plan& plan);

// "RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=10" (INTERVAL only when not 1), or with
// "UNTIL=20270612T215959Z": RFC 5545 §3.3.10 requires UNTIL in UTC when DTSTART carries
// a TZID, so the inclusive local date becomes the last second of that local day in UTC.
std::string rrule(const series_request& request, const date::time_zone* zone);

// The lines for a calendar event's recurrence (Google Calendar's `recurrence` field):
// the RRULE, then one "EXDATE;TZID=Europe/Amsterdam:20270105T160000" per excluded
// date and one "RDATE;TZID=…" per moved lesson's new time. Empty for a rejected plan.
std::vector<std::string> recurrence_lines(const series_plan& plan, const date::time_zone* zone);

}  // namespace tutorbot::domain
