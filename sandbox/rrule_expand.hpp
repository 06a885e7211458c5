#pragma once
// Expands an event's `recurrence` lines (RFC 5545 RRULE / EXDATE, as Google Calendar
// stores them) into occurrence start instants for freeBusy.
#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <date/tz.h>

namespace tutorbot::sandbox::google {

struct recurrence {
  std::chrono::days step{7};  // FREQ=DAILY → INTERVAL days, FREQ=WEEKLY → 7 × INTERVAL
  std::optional<int> count;
  std::optional<std::chrono::sys_seconds> until;  // inclusive
  std::vector<std::chrono::sys_seconds> excluded;
};

// `first` is the first occurrence's wall-clock time in `zone` (the event's start.timeZone).
// Answers Google's 400 message when a line is malformed or beyond what the sandbox expands.
std::variant<recurrence, std::string> parse_recurrence(const boost::json::array& lines,
                                                       date::local_seconds first,
                                                       const date::time_zone* zone);

// RFC 5545 §3.3.5: a wall time that occurs twice means its first occurrence; one skipped by
// a spring-forward jump is read with the offset before the gap (02:30 → 03:30 CEST).
std::chrono::sys_seconds local_to_sys(date::local_seconds t, const date::time_zone* zone);

// Starts of the occurrences whose [start, start + length) meets [from, to), in order: every
// occurrence keeps the first one's wall-clock time, so its UTC instant moves with DST.
std::vector<std::chrono::sys_seconds> expand(const recurrence& rule, date::local_seconds first,
                                             const date::time_zone* zone, std::chrono::seconds length,
                                             std::chrono::sys_seconds from, std::chrono::sys_seconds to);

}  // namespace tutorbot::sandbox::google
