#include "domain/calendar_rules.hpp"

#include <algorithm>
#include <cstdio>

namespace tutorbot::domain {

std::string to_string(minute_range r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d-%02d:%02d", r.begin / 60, r.begin % 60, r.end / 60,
                r.end % 60);
  return buf;
}

bool tutor_rules::accepts_duration(int minutes) const {
  return std::find(durations_minutes.begin(), durations_minutes.end(), minutes) !=
         durations_minutes.end();
}

const std::vector<minute_range>& tutor_rules::hours_on(std::chrono::year_month_day day) const {
  const auto it = std::lower_bound(overrides.begin(), overrides.end(), day,
                                   [](const date_override& o, const auto& d) { return o.date < d; });
  if (it != overrides.end() && it->date == day) return it->hours;
  return weekly[std::chrono::weekday{std::chrono::sys_days{day}}.c_encoding()];
}

const tutor_rules* calendar_rules::find_tutor(std::string_view id) const {
  const auto it =
      std::find_if(tutors.begin(), tutors.end(), [&](const tutor_rules& t) { return t.id == id; });
  return it == tutors.end() ? nullptr : &*it;
}

bool calendar_rules::is_school_holiday(std::chrono::year_month_day day) const {
  return std::any_of(school_holidays.begin(), school_holidays.end(),
                     [&](const date_range& h) { return h.contains(day); });
}

}  // namespace tutorbot::domain
