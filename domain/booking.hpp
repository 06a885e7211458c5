#pragma once
// A booking as every room sees it: UTC instants, a status, and what blocks the tutor.
#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "domain/types.hpp"

namespace tutorbot::domain {

enum class booking_status { held, confirmed, cancelled, expired };

std::string_view to_string(booking_status status);
std::optional<booking_status> parse_booking_status(std::string_view text);
std::ostream& operator<<(std::ostream& os, booking_status status);

// Held and confirmed bookings occupy the tutor; cancelled and expired ones do not.
constexpr bool is_active(booking_status s) {
  return s == booking_status::held || s == booking_status::confirmed;
}

struct booking {
  booking_id id;
  tutor_id tutor;
  std::string student_ref;
  std::chrono::sys_seconds lesson_start, lesson_end;
  // The lesson plus the tutor's buffers; two active bookings' blocked periods never overlap.
  std::chrono::sys_seconds blocked_start, blocked_end;
  booking_status status = booking_status::held;
  std::optional<std::chrono::sys_seconds> hold_expires_at;
  std::string product_id;
  cents price;
  std::string calendar_event_id;
  int invite_sequence = 0;  // raised on every move and cancellation: the invite's SEQUENCE
};

// A chat booking names its student by the conversation: "chatwoot:<conversation id>".
std::string chat_student_ref(long long conversation);
// The conversation of a chat booking's student_ref; nothing for another caller's reference.
std::optional<long long> conversation_of_student_ref(std::string_view student_ref);

}  // namespace tutorbot::domain
