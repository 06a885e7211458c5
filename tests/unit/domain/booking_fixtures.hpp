#pragma once
// A confirmed lesson for the invite and mail tests: Anouk, Monday 29 March 2027 16:00–17:00 in
// Amsterdam (the day after the change to summer time).
#include "domain/booking.hpp"
#include "tests/unit/domain/amsterdam.hpp"

namespace tutorbot::domain::test {

inline booking monday_lesson_at_four() {
  booking b;
  b.id = booking_id{"0b5e7f3a-5c1d-4d0e-9f51-2f6b1c9d8e71"};
  b.tutor = tutor_id{"anouk"};
  b.status = booking_status::confirmed;
  b.lesson_start = local(2027, 3, 29, 16, 0);
  b.lesson_end = local(2027, 3, 29, 17, 0);
  b.product_id = "lesson_60";
  return b;
}

}  // namespace tutorbot::domain::test
