#pragma once
// Dates relative to today, as the API's from/to parameters take them.
#include <algorithm>
#include <chrono>
#include <initializer_list>
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

// The school's first date `days` or more from today that falls on one of `weekdays`, as a
// student types a day: "D-M-YYYY". Suggestions for a typed day start at its midnight, so they
// stay the same while a test runs, unlike those from now on, whose first start moves with
// the notice period every slot step. The default days are those on which some tutor of
// tests/config works (none on Sunday).
inline std::string working_day_typed(int days,
                                     std::initializer_list<date::weekday> weekdays = {date::Monday, date::Tuesday,
                                                                                     date::Wednesday, date::Thursday,
                                                                                     date::Friday, date::Saturday}) {
  auto day = date::floor<date::days>(date::make_zoned("Europe/Amsterdam", std::chrono::system_clock::now()).get_local_time()) +
             date::days{days};
  while (std::find(weekdays.begin(), weekdays.end(), date::weekday{day}) == weekdays.end()) day += date::days{1};
  const date::year_month_day ymd{day};
  return std::to_string(static_cast<unsigned>(ymd.day())) + "-" + std::to_string(static_cast<unsigned>(ymd.month())) + "-" +
         std::to_string(static_cast<int>(ymd.year()));
}

}  // namespace tutorbot::testing
