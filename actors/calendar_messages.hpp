#pragma once
// What the tutor calendars are asked and answer. These stay inside one process, so they
// are allowed as unsafe (unserialisable) message types instead of getting inspectors.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/db_messages.hpp"
#include "db/bookings.hpp"
#include "domain/availability.hpp"
#include "domain/booking.hpp"
#include "domain/recurrence.hpp"

namespace tutorbot::actors {

struct slots_request {
  domain::tutor_id tutor;
  domain::slot_query query;
};

struct slots_answer {
  domain::slots_result slots;
  // How old the calendar's busy times are; nullopt when there is no calendar or it has not
  // answered yet. Slot queries never wait for Google: they answer from this cache.
  std::optional<std::chrono::seconds> busy_age;
};

// The tutor's calendar busy times as Google reported them.
struct busy_update {
  std::vector<domain::busy_interval> events;
  std::chrono::sys_seconds fetched_at;
};

struct hold_request {
  domain::tutor_id tutor;
  std::chrono::sys_seconds start;
  int duration_minutes = 60;
  std::string student_ref;
  std::string product_id;
  domain::cents price;
  std::optional<db::conversation_fence> fence;  // a conversation step's claim, when one asks
};

enum class hold_refusal {
  slot_taken,            // another active booking overlaps (409)
  day_full,              // the tutor's daily cap is reached (409)
  outside_availability,  // not a bookable start under the tutor's rules (422)
  duration_not_allowed,  // the tutor does not give lessons of this length (422)
};

struct hold_answer {
  std::variant<domain::booking, hold_refusal> outcome;
};

struct transition_request {
  domain::booking_id id;
  std::string reason;                     // for a cancellation
  std::optional<domain::booking_id> onto;  // for a reschedule: the hold whose slot it takes
  db::staff_override confirmed_by;        // for a confirmation without payment
  std::optional<db::conversation_fence> fence;  // a conversation step's claim, when one asks
};

struct transition_answer {
  db::transition_result outcome;
};

// A weekly or bi-weekly series: planned against the tutor's rules, holidays, busy times and
// bookings, then every lesson of the plan held in one transaction.
struct series_hold_request {
  domain::tutor_id tutor;
  domain::series_request series;
  domain::collision_policy on_clash = domain::collision_policy::skip_date;
  std::string student_ref;
  std::string product_id;
  std::function<domain::cents(std::chrono::sys_seconds)> price_of;  // a lesson's price by its start
  std::optional<db::conversation_fence> fence;
};

// The plan booked nothing: it was rejected (a clash under reject_series) or no lesson fits.
struct series_not_booked {};

struct series_answer {
  domain::series_plan plan;  // what was planned: the lessons, each clash, each move
  std::variant<db::stored_series, series_not_booked, domain::series_error, hold_refusal> outcome;
};

// A change of a whole series: cancel its lessons that start at or after `from` (never one that
// has begun), or confirm its held lessons by a staff override.
struct series_change_request {
  std::string series_id;
  std::chrono::sys_seconds from;  // for a cancellation
  std::string reason;             // for a cancellation
  db::staff_override confirmed_by;  // for a confirmation
};

struct series_change_answer {
  db::series_confirm_result outcome;  // the series afterwards, not_found, or hold_expired (a confirmation)
};

// A booking as another instance (NOTIFY), the sweeper or a reload reports it.
struct booking_change {
  domain::booking booking;
};

}  // namespace tutorbot::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::slots_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::slots_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::hold_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::hold_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::transition_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::transition_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::booking_change)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::series_hold_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::series_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::series_change_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::actors::series_change_answer)

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<tutorbot::actors::busy_update>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<tutorbot::domain::booking>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<tutorbot::domain::booking>)
