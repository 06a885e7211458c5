#pragma once
// Dates relative to today, as the API's from/to parameters take them.
#include <chrono>
#include <string>

#include <date/date.h>

namespace tutorbot::testing {

// The local date `days` from today, as YYYY-MM-DD.
inline std::string local_date_in(int days) {
  return date::format("%F", date::floor<date::days>(std::chrono::system_clock::now()) + date::days{days});
}

}  // namespace tutorbot::testing
