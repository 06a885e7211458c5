#pragma once
// The school's zone for domain tests, and instants written as Amsterdam wall-clock times.
#include <chrono>

#include <date/tz.h>

namespace tutorbot::domain::test {

inline const date::time_zone* amsterdam() { return date::locate_zone("Europe/Amsterdam"); }

// The instant of a local wall-clock time in Amsterdam (the earlier one on the fall-back night).
inline std::chrono::sys_seconds local(int y, unsigned mo, unsigned d, int h, int mi) {
  const auto day = date::local_days{date::year{y} / date::month{mo} / date::day{d}};
  return date::make_zoned(amsterdam(), day + std::chrono::hours{h} + std::chrono::minutes{mi},
                          date::choose::earliest)
      .get_sys_time();
}

}  // namespace tutorbot::domain::test
