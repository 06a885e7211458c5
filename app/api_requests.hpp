#pragma once
// What each /api/v1/ request asks for, read from its query or body: pure functions, so every
// rule about bad input is tested without a server. A request that breaks one gets the
// problem to answer with (status, code, message) and changes nothing.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "db/bookings.hpp"
#include "domain/availability.hpp"
#include "domain/booking.hpp"
#include "domain/recurrence.hpp"

namespace date {
class time_zone;
}

namespace tutorbot::app {

struct api_problem {
  int status = 400;
  std::string code;
  std::string message;
};

template <class T>
using parsed = std::variant<T, api_problem>;

// GET /api/v1/tutors/{id}/slots?from=YYYY-MM-DD&to=YYYY-MM-DD&duration=<minutes>: the local
// days from `from` through `to` (at most 92 days) in `zone`.
parsed<domain::slot_query> parse_slots_query(std::string_view from, std::string_view to, std::string_view duration,
                                             const date::time_zone* zone);

// GET /api/v1/bookings?from=YYYY-MM-DD&to=YYYY-MM-DD: local midnight of `from` up to local
// midnight after `to`.
struct local_days_window {
  std::chrono::sys_seconds begin;
  std::chrono::sys_seconds end;
};
parsed<local_days_window> parse_bookings_window(std::string_view from, std::string_view to, const date::time_zone* zone);

// POST /api/v1/holds {tutor_id, start (RFC 3339), duration_minutes, student_ref}.
struct hold_fields {
  std::string tutor_id;
  std::chrono::sys_seconds start;
  int duration_minutes = 0;
  std::string student_ref;
};
parsed<hold_fields> parse_hold_request(std::string_view body);

// POST /api/v1/series {tutor_id, first_start (RFC 3339), duration_minutes, interval_weeks: 1|2,
// count | until (YYYY-MM-DD, local, inclusive), student_ref, on_clash?}: a series of at most
// `max_lessons` lessons; on_clash (reject, skip, move, extend) defaults to the school's policy.
struct series_fields {
  std::string tutor_id;
  domain::series_request series;
  std::string student_ref;
  domain::collision_policy on_clash = domain::collision_policy::skip_date;
};
parsed<series_fields> parse_series_request(std::string_view body, const domain::series_rules& rules,
                                           const date::time_zone* zone);

// DELETE /api/v1/series/{id}?from=YYYY-MM-DD: the rest of the series from local midnight of
// `from`; without it, from now.
parsed<std::optional<std::chrono::sys_seconds>> parse_series_cancel_from(const std::optional<std::string>& from,
                                                                         const date::time_zone* zone);

// The 422 for a series the rules refuse.
api_problem series_problem(domain::series_error error);

// POST /api/v1/bookings/{id}/reschedule {hold_id}: the held slot to move onto.
parsed<domain::booking_id> parse_reschedule_request(std::string_view body);

// POST /api/v1/bookings/{id}/confirm {staff, reason}: confirming without a payment is a
// staff override, and says who and why.
parsed<db::staff_override> parse_override_request(std::string_view body);

}  // namespace tutorbot::app
