#include "domain/recurrence.hpp"

#include <algorithm>

#include <boost/json.hpp>
#include <date/date.h>
#include <date/tz.h>

#include "domain/instant.hpp"

namespace tutorbot::domain {

using namespace std::chrono;

std::string to_string(series_error e) {
  switch (e) {
    case series_error::count_or_until_required: return "count_or_until_required";
    case series_error::invalid_interval: return "invalid_interval";
    case series_error::invalid_count: return "invalid_count";
    case series_error::until_before_first: return "until_before_first";
    case series_error::too_long: return "too_long";
    case series_error::invalid_duration: return "invalid_duration";
  }
  return "unknown";
}

std::string to_string(collision_reason r) {
  switch (r) {
    case collision_reason::too_soon: return "too_soon";
    case collision_reason::beyond_horizon: return "beyond_horizon";
    case collision_reason::closed: return "closed";
    case collision_reason::outside_hours: return "outside_hours";
    case collision_reason::day_full: return "day_full";
    case collision_reason::taken: return "taken";
  }
  return "unknown";
}

namespace {

constexpr std::pair<collision_policy, std::string_view> policy_names[] = {
    {collision_policy::reject_series, "reject"},
    {collision_policy::skip_date, "skip"},
    {collision_policy::move_within_week, "move"},
    {collision_policy::append_at_end, "extend"},
};

}  // namespace

std::string_view to_string(collision_policy p) {
  for (const auto& [policy, name] : policy_names)
    if (policy == p) return name;
  return "unknown";
}

std::optional<collision_policy> parse_collision_policy(std::string_view name) {
  for (const auto& [policy, n] : policy_names)
    if (n == name) return policy;
  return std::nullopt;
}

namespace {

// The k-th lesson (0-based) of a series. get_info(...).first is, for a skipped wall
// time, the period before the gap, and for a repeated one the earlier period: exactly
// RFC 5545 §3.3.5's reading.
slot occurrence_at(const series_request& r, const date::time_zone* zone, int k) {
  const auto local = zone->to_local(r.first_start) + weeks{k * r.interval_weeks};
  const sys_seconds start = sys_seconds{local.time_since_epoch()} - zone->get_info(local).first.offset;
  return {start, start + minutes{r.duration_minutes}};
}

year_month_day local_date(const date::time_zone* zone, sys_seconds t) {
  return year_month_day{sys_days{floor<days>(zone->to_local(t)).time_since_epoch()}};
}

}  // namespace

std::variant<std::vector<slot>, series_error> occurrences(const series_request& r,
                                                          const date::time_zone* zone) {
  if (r.count.has_value() == r.until.has_value()) return series_error::count_or_until_required;
  if (r.interval_weeks < 1) return series_error::invalid_interval;
  if (r.duration_minutes < 1) return series_error::invalid_duration;
  std::vector<slot> out;
  if (r.count) {
    if (*r.count < 1) return series_error::invalid_count;
    if (*r.count > max_series_occurrences) return series_error::too_long;
    for (int k = 0; k < *r.count; ++k) out.push_back(occurrence_at(r, zone, k));
    return out;
  }
  if (*r.until < local_date(zone, r.first_start)) return series_error::until_before_first;
  for (int k = 0;; ++k) {
    const slot s = occurrence_at(r, zone, k);
    if (local_date(zone, s.start) > *r.until) break;
    if (k == max_series_occurrences) return series_error::too_long;
    out.push_back(s);
  }
  return out;
}

occurrence_check availability_check(const tutor_rules& tutor, const date::time_zone* zone,
                                    std::span<const date_range> school_holidays,
                                    std::span<const busy_interval> busy, sys_seconds now) {
  return [&tutor, zone, school_holidays, busy, now](const slot& s) -> std::optional<occurrence_clash> {
    slot_query q;
    q.from = s.start;
    q.to = s.start + seconds{1};
    q.duration_minutes = static_cast<int>(duration_cast<minutes>(s.end - s.start).count());
    const auto free_with = [&](const tutor_rules& t, std::span<const busy_interval> b) {
      const auto r = available_slots(t, zone, school_holidays, b, q, now);
      const auto* v = std::get_if<std::vector<slot>>(&r);
      return v != nullptr && !v->empty() && v->front() == s;
    };
    if (free_with(tutor, busy)) return std::nullopt;
    if (s.start < now + tutor.min_notice) return collision_reason::too_soon;
    if (s.start >= now + tutor.horizon) return collision_reason::beyond_horizon;
    const auto day = local_date(zone, s.start);
    const auto in = [&](const date_range& r) { return r.contains(day); };
    if (auto h = std::find_if(school_holidays.begin(), school_holidays.end(), in); h != school_holidays.end())
      return occurrence_clash{collision_reason::closed, h->name};
    if (auto off = std::find_if(tutor.days_off.begin(), tutor.days_off.end(), in); off != tutor.days_off.end())
      return occurrence_clash{collision_reason::closed, off->name};
    if (tutor.hours_on(day).empty()) return collision_reason::closed;
    if (!free_with(tutor, {})) return collision_reason::outside_hours;
    if (tutor.max_lessons_per_day > 0) {
      tutor_rules uncapped = tutor;
      uncapped.max_lessons_per_day = 0;
      if (free_with(uncapped, busy)) return collision_reason::day_full;
    }
    return collision_reason::taken;
  };
}

namespace {

// The nearest free time to `planned` in its local week (Monday to Sunday) that overlaps no
// lesson of the plan; the earlier of two equally near.
std::optional<slot> nearest_in_week(const slot& planned, const date::time_zone* zone, const free_slot_finder& free_in,
                                    const std::vector<slot>& lessons) {
  const auto local_day = floor<days>(zone->to_local(planned.start));
  const auto monday = local_day - (date::weekday{local_day} - date::Monday);
  const auto at = [&](date::local_days d) { return zone->to_sys(date::local_seconds{d.time_since_epoch()}, date::choose::earliest); };
  std::optional<slot> best;
  const auto distance = [&](const slot& s) { return s.start > planned.start ? s.start - planned.start : planned.start - s.start; };
  for (const auto& candidate : free_in(at(monday), at(monday + weeks{1}))) {
    if (candidate.end - candidate.start != planned.end - planned.start) continue;
    const bool overlaps = std::any_of(lessons.begin(), lessons.end(),
                                      [&](const slot& l) { return l.start < candidate.end && candidate.start < l.end; });
    if (overlaps) continue;
    if (!best || distance(candidate) < distance(*best) ||
        (distance(candidate) == distance(*best) && candidate.start < best->start))
      best = candidate;
  }
  return best;
}

}  // namespace

std::variant<series_plan, series_error> plan_series(const series_request& request,
                                                    const date::time_zone* zone,
                                                    collision_policy policy,
                                                    const occurrence_check& is_free,
                                                    const free_slot_finder& free_in) {
  auto occ = occurrences(request, zone);
  if (const auto* e = std::get_if<series_error>(&occ)) return *e;
  const auto& planned = std::get<std::vector<slot>>(occ);

  series_plan plan;
  plan.rule = request;
  const auto check = [&](const slot& s) {
    if (const auto why = is_free(s)) {
      plan.collisions.push_back({local_date(zone, s.start), s, why->reason, why->name});
      plan.excluded.push_back(s.start);
      return false;
    }
    plan.lessons.push_back(s);
    return true;
  };
  for (const auto& s : planned) check(s);
  if (plan.collisions.empty()) return plan;

  switch (policy) {
    case collision_policy::reject_series:
      plan.rejected = true;
      plan.lessons.clear();
      plan.excluded.clear();
      break;
    case collision_policy::skip_date:
      break;
    case collision_policy::move_within_week: {
      for (const auto& c : plan.collisions) {
        const auto to = free_in ? nearest_in_week(c.when, zone, free_in, plan.lessons) : std::nullopt;
        if (!to) {
          ++plan.unfilled;
          continue;
        }
        plan.moved.push_back({c.when, *to});
        plan.added.push_back(to->start);
        plan.lessons.insert(std::upper_bound(plan.lessons.begin(), plan.lessons.end(), *to,
                                             [](const slot& a, const slot& b) { return a.start < b.start; }),
                            *to);
      }
      std::sort(plan.added.begin(), plan.added.end());
      break;
    }
    case collision_policy::append_at_end: {
      // Replacements continue the series' own rhythm after its last date; the calendar
      // rule becomes a COUNT up to the last lesson, with the gaps as EXDATEs.
      int needed = static_cast<int>(plan.collisions.size());
      int k = static_cast<int>(planned.size());
      int last_booked = -1;
      for (int probe = 0; needed > 0 && probe < max_appended_probes; ++probe, ++k) {
        if (check(occurrence_at(request, zone, k))) {
          --needed;
          last_booked = k;
        }
      }
      plan.unfilled = needed;
      if (last_booked >= 0) {
        plan.rule.count = last_booked + 1;
        plan.rule.until.reset();
        const auto end_of_rule = occurrence_at(request, zone, last_booked).start;
        std::erase_if(plan.excluded, [&](sys_seconds t) { return t > end_of_rule; });
      } else {
        std::erase_if(plan.excluded, [&](sys_seconds t) { return t > planned.back().start; });
      }
      break;
    }
  }
  return plan;
}

std::string clashes_json(const series_plan& plan) {
  boost::json::array out;
  for (const auto& c : plan.collisions) {
    boost::json::object clash{{"date", iso_date(c.date)},
                              {"start", rfc3339(c.when.start)},
                              {"reason", to_string(c.reason)}};
    if (!c.name.empty()) clash["name"] = c.name;
    for (const auto& m : plan.moved)
      if (m.from.start == c.when.start) clash["moved_to"] = rfc3339(m.to.start);
    out.push_back(std::move(clash));
  }
  return boost::json::serialize(out);
}

std::string rrule(const series_request& r, const date::time_zone* zone) {
  std::string out = "RRULE:FREQ=WEEKLY";
  if (r.interval_weeks != 1) out += ";INTERVAL=" + std::to_string(r.interval_weeks);
  if (r.count) {
    out += ";COUNT=" + std::to_string(*r.count);
  } else if (r.until) {
    const date::local_seconds next_midnight{(local_days{*r.until} + days{1}).time_since_epoch()};
    const auto last_second = zone->to_sys(next_midnight, date::choose::earliest) - seconds{1};
    out += ";UNTIL=" + date::format("%Y%m%dT%H%M%SZ", last_second);
  }
  return out;
}

std::vector<std::string> recurrence_lines(const series_plan& plan, const date::time_zone* zone) {
  std::vector<std::string> out;
  if (plan.rejected || plan.lessons.empty()) return out;
  out.push_back(rrule(plan.rule, zone));
  const auto local_line = [&](const char* property, sys_seconds t) {
    return std::string(property) + ";TZID=" + std::string(zone->name()) + ":" +
           date::format("%Y%m%dT%H%M%S", zone->to_local(t));
  };
  for (const auto t : plan.excluded) out.push_back(local_line("EXDATE", t));
  for (const auto t : plan.added) out.push_back(local_line("RDATE", t));
  return out;
}

}  // namespace tutorbot::domain
