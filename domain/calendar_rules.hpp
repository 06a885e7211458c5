#pragma once
// A school's availability rules as plain values, read from calendar_config.yaml by
// config/ and consumed by the availability engine. All times here are *local* to
// calendar_rules::timezone; converting to UTC instants is the engine's job (DST!).

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tutorbot::domain {

inline constexpr int minutes_per_day = 24 * 60;

// [begin, end) in minutes since local midnight; end may be 1440 (24:00).
struct minute_range {
  int begin = 0;
  int end = 0;

  friend constexpr bool operator==(minute_range, minute_range) = default;
  constexpr int length() const { return end - begin; }
  constexpr bool overlaps(minute_range o) const { return begin < o.end && o.begin < end; }
  constexpr bool contains(minute_range o) const { return begin <= o.begin && o.end <= end; }
};

// "09:00-17:30"; for messages and logs.
std::string to_string(minute_range r);

using local_minutes = std::chrono::local_time<std::chrono::minutes>;

// [begin, end) in local wall-clock time, e.g. a dentist appointment.
struct local_range {
  local_minutes begin;
  local_minutes end;
  std::string reason;  // free text for staff, may be empty
};

// Whole local days, both ends inclusive: 2026-12-19 .. 2027-01-03 (kerstvakantie).
struct date_range {
  std::chrono::year_month_day first;
  std::chrono::year_month_day last;
  std::string name;

  bool contains(std::chrono::year_month_day d) const { return first <= d && d <= last; }
};

// One local date whose working hours replace the weekly ones; no ranges = closed.
struct date_override {
  std::chrono::year_month_day date;
  std::vector<minute_range> hours;
};

using weekly_ranges = std::array<std::vector<minute_range>, 7>;  // index: weekday::c_encoding(), 0 = Sunday

struct tutor_rules {
  std::string id;           // stable, URL-safe: "anouk"
  std::string name;         // shown to students
  std::string calendar_id;  // Google Calendar id; empty = the configured default calendar
  std::string email;
  std::string location;     // where the lesson takes place, or its meeting link (the invite's LOCATION)

  weekly_ranges weekly;     // sorted, non-overlapping working hours per weekday
  weekly_ranges breaks;     // sorted; a break repeats on every such weekday
  std::vector<local_range> absences;
  std::vector<date_range> days_off;          // this tutor only; school holidays are separate
  std::vector<date_override> overrides;      // sorted by date, unique dates

  std::chrono::minutes buffer_before{0};
  std::chrono::minutes buffer_after{0};
  std::chrono::minutes min_notice{0};
  std::chrono::minutes slot_step{15};
  std::chrono::days horizon{56};
  std::vector<int> durations_minutes;        // lesson lengths this tutor accepts, sorted
  int max_lessons_per_day = 0;

  bool accepts_duration(int minutes) const;
  // The working hours on a local date before breaks, absences and holidays: the
  // override for that date if there is one, else the weekly hours of its weekday.
  const std::vector<minute_range>& hours_on(std::chrono::year_month_day day) const;
};

// What happens to an occurrence of a series that cannot be booked: reject_series books
// nothing; skip_date books the rest; move_within_week takes the nearest free time in the same
// local week (Monday to Sunday), else skips it; append_at_end adds one more date after the
// series for each one lost.
enum class collision_policy { reject_series, skip_date, move_within_week, append_at_end };

// How far students may book weekly and bi-weekly series.
struct series_rules {
  int max_lessons = 20;                   // the longest series booked at once
  std::chrono::days horizon{26 * 7};      // every lesson of a series starts before now + horizon
  collision_policy on_clash = collision_policy::skip_date;  // the school's policy in the chat
};

struct calendar_rules {
  std::string timezone;                      // IANA name, validated: "Europe/Amsterdam"
  std::vector<date_range> school_holidays;   // closed for every tutor
  std::vector<tutor_rules> tutors;
  series_rules series;

  const tutor_rules* find_tutor(std::string_view id) const;
  bool is_school_holiday(std::chrono::year_month_day day) const;
};

}  // namespace tutorbot::domain
