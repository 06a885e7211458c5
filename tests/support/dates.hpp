#pragma once
// Dates relative to today, as the API's from/to parameters take them.
#include <chrono>
#include <string>

#include <date/tz.h>

namespace tutorbot::testing {

// The school's date (Europe/Amsterdam) `days` from today, as YYYY-MM-DD: between midnight
// and 01:00 or 02:00 local time the UTC date is still yesterday's.
inline std::string local_date_in(int days) {
  const auto today = date::floor<date::days>(
      date::make_zoned("Europe/Amsterdam", std::chrono::system_clock::now()).get_local_time());
  return date::format("%F", today + date::days{days});
}

}  // namespace tutorbot::testing
