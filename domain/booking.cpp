#include "domain/booking.hpp"

#include <charconv>

namespace tutorbot::domain {

std::string_view to_string(booking_status status) {
  switch (status) {
    case booking_status::held: return "held";
    case booking_status::confirmed: return "confirmed";
    case booking_status::cancelled: return "cancelled";
    case booking_status::expired: return "expired";
  }
  return "held";
}

std::ostream& operator<<(std::ostream& os, booking_status status) { return os << to_string(status); }

std::optional<booking_status> parse_booking_status(std::string_view text) {
  if (text == "held") return booking_status::held;
  if (text == "confirmed") return booking_status::confirmed;
  if (text == "cancelled") return booking_status::cancelled;
  if (text == "expired") return booking_status::expired;
  return std::nullopt;
}

namespace {
constexpr std::string_view chat_prefix = "chatwoot:";
}  // namespace

std::string chat_student_ref(long long conversation) { return std::string{chat_prefix} + std::to_string(conversation); }

std::optional<long long> conversation_of_student_ref(std::string_view student_ref) {
  if (!student_ref.starts_with(chat_prefix)) return std::nullopt;
  const auto digits = student_ref.substr(chat_prefix.size());
  long long id = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (error != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return id;
}

}  // namespace tutorbot::domain
