#pragma once
// The payload of outbox work about one booking as it stood at one invite sequence
// (mail.booking, reminder.whatsapp, reminder.email): {"booking_id", "sequence"}.
#include <optional>
#include <string>
#include <variant>

#include "actors/outbox_dispatcher.hpp"
#include "db/booking_students.hpp"

namespace tutorbot::actors {

struct booking_work {
  std::string booking_id;
  int sequence = 0;
};

std::optional<booking_work> booking_work_of(const std::string& payload);

struct booking_work_found {
  booking_work work;
  db::booking_with_student found;
};

// The booking the item's work is about, with its student; or the give-up its handler returns
// when the payload names none or the booking does not exist.
std::variant<booking_work_found, outbox_outcome> find_work_booking(const db::outbox_item& item, db::connection& conn);

}  // namespace tutorbot::actors
