#pragma once
// Free lesson slots for one tutor: a pure function of the tutor's rules, the busy
// intervals, a query and "now". No clock, no I/O.
//
// The rules, precisely (tests/unit/domain/availability_property_test.cpp checks each one
// against a minute-by-minute reference):
//
// * Candidates. On each local date, for each working range [b, e) of that date (the date
//   override if there is one, else the weekday's hours), candidate starts are the wall
//   clock times b, b + slot_step, b + 2·slot_step, … A lesson fits within one working
//   range of one local day; it never crosses local midnight.
// * Closed days: school holidays and the tutor's days_off. Weekday breaks apply on every
//   date of that weekday, also when an override sets the hours.
// * DST. A candidate is offered only if its wall-clock start exists and is unambiguous
//   (it occurs exactly once that day); its end is start + duration in real time. Every
//   other local bound (range end, breaks, absences) is converted with
//   date::choose::earliest: the first instant the clock shows it, or the instant of the
//   jump if the clock skips it. The real lesson [start, end) must end by its range's end
//   and must not overlap a break or an absence.
// * Buffers (design §4, invariant 1: the database stores blocked = lesson widened by
//   the buffers, and no two blocked periods of one tutor may overlap). A candidate's
//   blocked period is [start - buffer_before, end + buffer_after).
//     - A booking (busy_interval::is_booking) is passed as its lesson period; its blocked
//       period is widened by the same tutor's buffers. The two blocked periods must not
//       overlap, so two lessons are at least buffer_after + buffer_before apart.
//     - A plain calendar event is not widened: the candidate's blocked period must not
//       overlap the event itself (the tutor's travel/preparation time is kept free).
//   Breaks and working-hour bounds do not use the buffers: a lesson may end exactly
//   when a break starts or when the tutor stops working.
//   Intervals with end <= start are ignored.
// * Notice and horizon: now + min_notice <= start < now + horizon (plain instants).
// * Query window: query.from <= start < query.to.
// * Daily cap: when max_lessons_per_day > 0, a local date on which that many bookings
//   (busy intervals with is_booking) already start offers nothing. Pass every booking
//   of the local dates the window touches, not only the ones inside it.
// * Filters: weekdays (by the local date of the start; index weekday::c_encoding(),
//   0 = Sunday) and parts of the day by local start time: morning before 12:00,
//   afternoon 12:00-18:00, evening from 18:00.
// * Output: ascending by start, at most query.limit slots (0 = all).

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "domain/calendar_rules.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::domain {

// A lesson period in UTC instants, [start, end).
struct slot {
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;

  friend bool operator==(const slot&, const slot&) = default;
  friend auto operator<=>(const slot&, const slot&) = default;
};

// "2026-03-29T14:00:00Z/2026-03-29T15:00:00Z": for logs and test failure messages.
std::string to_string(const slot& s);
std::ostream& operator<<(std::ostream& os, const slot& s);

// Something in the tutor's calendar. A booking (held or confirmed) is given as its
// lesson period; the engine widens it by the tutor's buffers.
struct busy_interval {
  std::chrono::sys_seconds start;
  std::chrono::sys_seconds end;
  bool is_booking = false;
};

enum class part_of_day { morning, afternoon, evening };  // <12:00, 12:00-18:00, >=18:00

part_of_day part_of_day_at(int minute_of_day);

struct slot_query {
  std::chrono::sys_seconds from;  // slots start in [from, to)
  std::chrono::sys_seconds to;
  int duration_minutes = 60;
  std::optional<std::array<bool, 7>> weekdays;     // index weekday::c_encoding(), 0 = Sunday
  std::optional<std::array<bool, 3>> parts_of_day;  // index: part_of_day
  std::size_t limit = 0;                            // 0 = all
};

enum class availability_error {
  duration_not_allowed,  // the tutor does not give lessons of that length (API: 422)
};

std::string to_string(availability_error e);

using slots_result = std::variant<std::vector<slot>, availability_error>;

// The free slots of one tutor. `zone` must not be null; `school_holidays` close every
// tutor. `busy` may be in any order.
slots_result available_slots(const tutor_rules& tutor, const date::time_zone* zone,
                             std::span<const date_range> school_holidays,
                             std::span<const busy_interval> busy, const slot_query& query,
                             std::chrono::sys_seconds now);

// The same with the zone and school holidays of the calendar configuration. Resolving
// the zone by name costs a lookup; callers on a hot path keep the pointer.
// Throws std::runtime_error for an unknown zone (config validation rules that out).
slots_result available_slots(const tutor_rules& tutor, const calendar_rules& calendar,
                             std::span<const busy_interval> busy, const slot_query& query,
                             std::chrono::sys_seconds now);

}  // namespace tutorbot::domain
