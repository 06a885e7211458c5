#include "domain/booking.hpp"

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

}  // namespace tutorbot::domain
