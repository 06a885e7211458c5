#include "domain/availability.hpp"

#include <algorithm>
#include <stdexcept>

#include <date/date.h>
#include <date/tz.h>

#include "domain/local_clock.hpp"

namespace tutorbot::domain {

using namespace std::chrono;

std::string to_string(const slot& s) {
  return date::format("%FT%TZ", s.start) + "/" + date::format("%FT%TZ", s.end);
}

std::ostream& operator<<(std::ostream& os, const slot& s) { return os << to_string(s); }

part_of_day part_of_day_at(int minute_of_day) {
  if (minute_of_day < 12 * 60) return part_of_day::morning;
  if (minute_of_day < 18 * 60) return part_of_day::afternoon;
  return part_of_day::evening;
}

std::string to_string(availability_error e) {
  switch (e) {
    case availability_error::duration_not_allowed: return "duration_not_allowed";
  }
  return "unknown";
}

namespace {

struct interval {
  sys_seconds begin;
  sys_seconds end;
};

bool begins_before(const interval& a, const interval& b) { return a.begin < b.begin; }

// Callers usually pass busy times in order (the database and Google's freeBusy sort
// them); checking is linear, sorting is not.
void sort_if_needed(std::vector<interval>& v) {
  if (!std::is_sorted(v.begin(), v.end(), begins_before))
    std::sort(v.begin(), v.end(), begins_before);
}

// Sorted, disjoint union of sorted intervals, so that one forward pointer answers "does
// [s, e) overlap anything?" for ascending s.
std::vector<interval> merge_union(const std::vector<interval>& a, const std::vector<interval>& b,
                                  const std::vector<interval>& c) {
  std::vector<interval> all;
  all.reserve(a.size() + b.size() + c.size());
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(all), begins_before);
  const auto middle = all.size();
  all.insert(all.end(), c.begin(), c.end());
  std::inplace_merge(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(middle), all.end(),
                     begins_before);
  std::size_t n = 0;
  for (const auto& x : all) {
    if (n > 0 && x.begin <= all[n - 1].end)
      all[n - 1].end = std::max(all[n - 1].end, x.end);
    else
      all[n++] = x;
  }
  all.resize(n);
  return all;
}

bool closed_on(const tutor_rules& tutor, std::span<const date_range> school_holidays,
               year_month_day day) {
  const auto in = [&](const date_range& r) { return r.contains(day); };
  return std::any_of(school_holidays.begin(), school_holidays.end(), in) ||
         std::any_of(tutor.days_off.begin(), tutor.days_off.end(), in);
}

}  // namespace

slots_result available_slots(const tutor_rules& tutor, const date::time_zone* zone,
                             std::span<const date_range> school_holidays,
                             std::span<const busy_interval> busy, const slot_query& query,
                             sys_seconds now) {
  if (!tutor.accepts_duration(query.duration_minutes) || query.duration_minutes <= 0)
    return availability_error::duration_not_allowed;
  if (zone == nullptr) throw std::invalid_argument("available_slots: no time zone");
  const int step = static_cast<int>(tutor.slot_step.count());
  if (step <= 0) throw std::invalid_argument("available_slots: slot_step must be positive");

  std::vector<slot> out;
  const int duration = query.duration_minutes;
  const seconds length = minutes{duration};
  const sys_seconds lo = std::max(query.from, now + tutor.min_notice);
  const sys_seconds hi = std::min(query.to, now + tutor.horizon);
  if (lo >= hi) return out;

  // Each busy interval becomes the set of instants a lesson may not overlap (see the
  // header): a booking widened by both buffers on each side, an event by the buffers
  // the candidate keeps free around itself.
  const seconds before = tutor.buffer_before;
  const seconds after = tutor.buffer_after;
  const int cap = tutor.max_lessons_per_day;
  std::vector<interval> events, bookings, absences;
  std::vector<sys_seconds> booking_starts;  // for the daily cap
  const auto relevant = [&](const interval& x) { return x.end > lo && x.begin < hi + length; };
  for (const auto& b : busy) {
    if (b.end <= b.start) continue;
    if (b.is_booking) {
      // A local date is at most 24 h plus a DST jump long: 48 h covers its bookings.
      if (cap > 0 && b.start >= lo - hours{48} && b.start < hi + hours{48})
        booking_starts.push_back(b.start);
      const interval x{b.start - before - after, b.end + before + after};
      if (relevant(x)) bookings.push_back(x);
    } else {
      const interval x{b.start - after, b.end + before};
      if (relevant(x)) events.push_back(x);
    }
  }
  for (const auto& a : tutor.absences) {
    const interval x{zone->to_sys(to_date_local(a.begin), date::choose::earliest),
                     zone->to_sys(to_date_local(a.end), date::choose::earliest)};
    if (x.end > x.begin && relevant(x)) absences.push_back(x);
  }
  sort_if_needed(events);
  sort_if_needed(bookings);
  sort_if_needed(absences);
  const std::vector<interval> blocked = merge_union(events, bookings, absences);
  std::sort(booking_starts.begin(), booking_starts.end());

  local_clock clock(zone);
  const auto first_day = floor<days>(zone->to_local(lo));
  const auto last_day = floor<days>(zone->to_local(hi - seconds{1}));
  std::size_t next_blocked = 0;
  std::vector<interval> breaks;
  for (auto day = first_day; day <= last_day; day += days{1}) {
    const sys_days civil{day.time_since_epoch()};
    const year_month_day ymd{civil};
    const unsigned wd = weekday{civil}.c_encoding();
    if (query.weekdays && !(*query.weekdays)[wd]) continue;
    if (closed_on(tutor, school_holidays, ymd)) continue;
    const auto& hours_today = tutor.hours_on(ymd);
    if (hours_today.empty()) continue;

    const date::local_seconds midnight{day.time_since_epoch()};
    clock.enter_day(midnight);
    if (cap > 0) {
      const auto b = std::lower_bound(booking_starts.begin(), booking_starts.end(),
                                      clock.earliest(midnight));
      const auto e = std::lower_bound(b, booking_starts.end(), clock.earliest(midnight + days{1}));
      if (e - b >= cap) continue;
    }
    breaks.clear();
    for (const auto& br : tutor.breaks[wd])
      breaks.push_back({clock.earliest(midnight + minutes{br.begin}),
                        clock.earliest(midnight + minutes{br.end})});

    for (const auto& range : hours_today) {
      const sys_seconds range_end = clock.earliest(midnight + minutes{range.end});
      for (int m = range.begin; m + duration <= range.end; m += step) {
        if (query.parts_of_day && !(*query.parts_of_day)[static_cast<int>(part_of_day_at(m))])
          continue;
        const auto start = clock.unique(midnight + minutes{m});
        if (!start) continue;  // skipped or repeated by a DST change
        const sys_seconds s = *start;
        const sys_seconds e = s + length;
        if (s >= hi) return out;  // starts only grow from here
        if (s < lo) continue;
        if (e > range_end) break;
        if (std::any_of(breaks.begin(), breaks.end(),
                        [&](const interval& b) { return b.begin < e && s < b.end; }))
          continue;
        while (next_blocked < blocked.size() && blocked[next_blocked].end <= s) ++next_blocked;
        if (next_blocked < blocked.size() && blocked[next_blocked].begin < e) continue;
        out.push_back({s, e});
        if (query.limit != 0 && out.size() >= query.limit) return out;
      }
    }
  }
  return out;
}

slots_result available_slots(const tutor_rules& tutor, const calendar_rules& calendar,
                             std::span<const busy_interval> busy, const slot_query& query,
                             sys_seconds now) {
  return available_slots(tutor, date::locate_zone(calendar.timezone), calendar.school_holidays,
                         busy, query, now);
}

}  // namespace tutorbot::domain
