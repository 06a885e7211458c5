#pragma once
// The bookings aggregate. The exclusion constraint decides collisions; its violation comes
// back as slot_taken, never as an exception.
#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "db/connection.hpp"
#include "db/fence.hpp"
#include "domain/booking.hpp"
#include "domain/catalog.hpp"

namespace tutorbot::db {

struct new_hold {
  domain::tutor_id tutor;
  std::string student_ref;
  std::chrono::sys_seconds lesson_start, lesson_end;
  std::chrono::sys_seconds blocked_start, blocked_end;
  std::chrono::sys_seconds expires_at;
  std::string product_id;
  domain::cents price;
};

struct slot_taken {};
struct not_found {};
struct hold_expired {};
struct wrong_status {
  domain::booking_status status;
};
struct different_tutor {};  // a reschedule onto another tutor's hold

using hold_result = std::variant<domain::booking, slot_taken>;
// A transition returns the booking as it is afterwards.
using transition_result = std::variant<domain::booking, not_found, hold_expired, wrong_status, different_tutor>;

// A hold of the same student on exactly this lesson that is still held is returned as it is
// (a conversation that asks again after a takeover, a client repeating itself). With a fence,
// nothing happens unless its claim stands (fenced_off).
hold_result insert_hold(connection& conn, const new_hold& hold, const std::optional<conversation_fence>& fence = {});

// Who confirmed a hold without any payment, and why: a staff member's override (a lesson
// paid in cash at the desk, a make-up lesson), recorded on the booking.
struct staff_override {
  std::string staff;
  std::string reason;
};

// held → confirmed while the hold lasts, by a staff override; confirming a confirmed booking
// returns it unchanged. The confirmation enqueues the calendar event (outbox) in the same
// transaction. A hold past its expiry is marked expired and refused.
transition_result confirm_hold(connection& conn, const domain::booking_id& id, std::chrono::sys_seconds now,
                               const staff_override& by);

// A confirmed booking takes over the period of a hold of the same tutor (the reschedule the
// student picked); the hold is released in the same transaction, and the calendar event follows
// through the outbox.
transition_result reschedule_onto_hold(connection& conn, const domain::booking_id& id,
                                       const domain::booking_id& hold, std::chrono::sys_seconds now,
                                       const std::optional<conversation_fence>& fence = {});

// Remembers the Google event that shows the booking.
void set_calendar_event(connection& conn, const domain::booking_id& id, const std::string& event_id);

// held or confirmed → cancelled; cancelling a cancelled booking returns it unchanged. A booking
// that was confirmed gets its calendar event removed through the outbox.
// With a policy, a booking paid through Stripe gets the refund its notice earns (enqueued in
// the same transaction), and one paid from package credit gets its credit back when the
// notice earns a full refund.
transition_result cancel_booking(connection& conn, const domain::booking_id& id,
                                 std::chrono::sys_seconds now, const std::string& reason,
                                 const domain::cancellation_policy* policy = nullptr,
                                 const std::optional<conversation_fence>& fence = {});

// Marks every hold past its expiry as expired and returns them.
std::vector<domain::booking> expire_holds(connection& conn, std::chrono::sys_seconds now);

// Held and confirmed bookings of a tutor that end after `from`.
std::vector<domain::booking> active_bookings(connection& conn, const domain::tutor_id& tutor,
                                             std::chrono::sys_seconds from);

std::optional<domain::booking> find_booking(connection& conn, const domain::booking_id& id);

// Bookings (any status) whose lesson starts in [from, to), optionally of one tutor.
std::vector<domain::booking> list_bookings(connection& conn, const std::optional<domain::tutor_id>& tutor,
                                           std::chrono::sys_seconds from, std::chrono::sys_seconds to);

}  // namespace tutorbot::db
