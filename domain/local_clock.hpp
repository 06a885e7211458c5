#pragma once
// Local wall-clock time to UTC instants for one local date at a time, with as few time
// zone lookups as possible: on a date that no DST change comes near, every local time
// is "local minus one fixed offset". Used by the availability engine; internal to
// domain/.

#include <chrono>
#include <optional>

#include <date/tz.h>

namespace tutorbot::domain {

// std::chrono's local times (calendar_rules) and date's (the tz library) are distinct
// clocks with the same epoch.
template <class Duration>
date::local_seconds to_date_local(std::chrono::local_time<Duration> t) {
  return date::local_seconds{std::chrono::floor<std::chrono::seconds>(t.time_since_epoch())};
}

class local_clock {
 public:
  explicit local_clock(const date::time_zone* zone) : zone_(zone) {}

  // Prepares conversions for the local date starting at `midnight` (a local_days value).
  void enter_day(date::local_seconds midnight);

  // The first instant the wall clock shows t; the instant of the jump if it skips t
  // (date::choose::earliest). t must lie within the entered day, 24:00 included.
  std::chrono::sys_seconds earliest(date::local_seconds t) const {
    if (uniform_) return std::chrono::sys_seconds{t.time_since_epoch()} - offset_;
    return zone_->to_sys(t, date::choose::earliest);
  }

  // The instant of t if the wall clock shows t exactly once, else nothing.
  std::optional<std::chrono::sys_seconds> unique(date::local_seconds t) const {
    if (uniform_) return std::chrono::sys_seconds{t.time_since_epoch()} - offset_;
    const auto info = zone_->get_info(t);
    if (info.result != date::local_info::unique) return std::nullopt;
    return std::chrono::sys_seconds{t.time_since_epoch()} - info.first.offset;
  }

  bool uniform() const { return uniform_; }

 private:
  void load(std::chrono::sys_seconds t);

  const date::time_zone* zone_;
  bool loaded_ = false;
  bool has_previous_ = false;
  bool has_next_ = false;
  bool uniform_ = false;
  std::chrono::seconds offset_{0};
  date::sys_info previous_{}, current_{}, next_{};
};

}  // namespace tutorbot::domain
