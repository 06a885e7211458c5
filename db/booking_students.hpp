#pragma once
// A booking with the student it is for, as the intake recorded them: what the invite, the
// e-mails and the tutor's calendar event say about who is coming.
#include <optional>

#include "db/connection.hpp"
#include "domain/booking.hpp"
#include "domain/booking_mail.hpp"
#include "domain/invite.hpp"

namespace tutorbot::db {

struct booking_with_student {
  domain::booking booking;
  domain::lesson_student student;  // empty fields where nothing is known
  bool was_confirmed = false;      // a hold that never became a lesson has no invite
  domain::cancellation_return returned;  // a cancelled lesson's refund or credit
};

// The student is the booking's own, or (a chat booking) its conversation's.
std::optional<booking_with_student> find_booking_with_student(connection& conn, const domain::booking_id& id);

}  // namespace tutorbot::db
