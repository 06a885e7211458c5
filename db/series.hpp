#pragma once
// Weekly and bi-weekly series: all their lessons are held in one transaction (all or none
// under the exclusion constraint) and cancelled together from a date on.
#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "db/bookings.hpp"
#include "db/connection.hpp"
#include "db/fence.hpp"
#include "domain/booking.hpp"
#include "domain/catalog.hpp"
#include "domain/recurrence.hpp"

namespace tutorbot::db {

struct new_series {
  domain::tutor_id tutor;
  std::string student_ref;
  std::chrono::sys_seconds first_start;  // as asked, even when the plan left that date out
  int duration_minutes = 60;
  int interval_weeks = 1;
  std::string rrule;         // the plan's: "RRULE:FREQ=WEEKLY;COUNT=8"
  std::string asked_rule;    // the request's (extend may have lengthened the plan's)
  std::string on_clash;      // reject, skip, move or extend
  std::string clashes;  // domain::clashes_json of the plan: what it left out or moved
  std::vector<new_hold> holds;  // ascending: concurrent series then wait on each other in one order
};

struct stored_series {
  std::string id;
  domain::tutor_id tutor;
  std::string student_ref;
  std::chrono::sys_seconds first_start;
  int duration_minutes = 60;
  int interval_weeks = 1;
  std::string rrule;
  std::string on_clash;
  std::string clashes;  // JSON, as domain::clashes_json wrote it
  std::vector<domain::booking> bookings;  // every lesson ever held for it, in lesson order
};

// Another booking took this lesson after the series was planned: nothing was held.
struct series_lesson_taken {
  std::chrono::sys_seconds lesson_start;
};

using series_result = std::variant<stored_series, series_lesson_taken>;

// A series asked again — the same tutor, student_ref, first start, length, rule and policy —
// while its lessons are still held is returned as it is (a client that retries after a
// timeout). With a fence, nothing happens unless its claim stands (fenced_off).
series_result insert_series(connection& conn, const new_series& series,
                            const std::optional<conversation_fence>& fence = {});

std::optional<stored_series> find_series(connection& conn, const std::string& id);

// A staff override for the whole series (paid at the desk): every held lesson is confirmed in one
// transaction, each as confirm_hold would (its calendar event and mail enqueued). When the holds
// have expired, none is confirmed and every held one is marked expired (hold_expired).
using series_confirm_result = std::variant<stored_series, not_found, hold_expired>;
series_confirm_result confirm_series(connection& conn, const std::string& id, std::chrono::sys_seconds now,
                                     const staff_override& by);

// Cancels every held or confirmed lesson of the series that starts at or after `from`, in one
// transaction, each as a single cancellation would be (its refund or credit under the policy).
// Returns the series afterwards; nullopt when there is no such series.
std::optional<stored_series> cancel_series_from(connection& conn, const std::string& id, std::chrono::sys_seconds from,
                                                std::chrono::sys_seconds now, const std::string& reason,
                                                const domain::cancellation_policy* policy = nullptr);

}  // namespace tutorbot::db
