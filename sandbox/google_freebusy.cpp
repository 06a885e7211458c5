// freeBusy: the busy intervals of up to 50 calendars, recurring events expanded, as
// Calendar v3 answers them (merged, clipped to the window, in the requested zone).
#include <algorithm>

#include <boost/json/array.hpp>

#include "net/json_fields.hpp"
#include "sandbox/google_store.hpp"

namespace tutorbot::sandbox::google {
namespace {

constexpr std::size_t max_calendars = 50;

using interval = std::pair<std::chrono::sys_seconds, std::chrono::sys_seconds>;

// An event that blocks time: not cancelled, not marked "available" (transparent).
bool blocks_time(const boost::json::object& event) {
  return net::string_at(event, "status") != "cancelled" && net::string_at(event, "transparency") != "transparent";
}

api_error parameter_error(std::string reason, std::string message, std::string location) {
  api_error e{400, std::move(reason), std::move(message), "global", "parameter", std::move(location)};
  return e;
}

}  // namespace

store_result calendar_store::free_busy(const boost::json::object& request) const {
  const std::string min_text = net::string_at(request, "timeMin");
  const std::string max_text = net::string_at(request, "timeMax");
  if (min_text.empty()) return parameter_error("required", "Missing timeMin parameter.", "timeMin");
  if (max_text.empty()) return parameter_error("required", "Missing timeMax parameter.", "timeMax");
  const auto time_min = parse_rfc3339(min_text);
  const auto time_max = parse_rfc3339(max_text);
  if (!time_min) return parameter_error("invalid", "Invalid value for timeMin: " + min_text, "timeMin");
  if (!time_max) return parameter_error("invalid", "Invalid value for timeMax: " + max_text, "timeMax");
  if (*time_max <= *time_min) {
    api_error e{400, "timeRangeEmpty", "The specified time range is empty.", "calendar", "parameter", "timeMax"};
    return e;
  }
  const std::string zone_name = net::string_at(request, "timeZone");
  const date::time_zone* zone = zone_name.empty() ? nullptr : find_zone(zone_name);
  if (!zone_name.empty() && !zone)
    return parameter_error("invalid", "Invalid time zone: " + zone_name, "timeZone");

  std::vector<std::string> ids;
  if (auto it = request.find("items"); it != request.end() && it->value().is_array()) {
    for (const auto& item : it->value().as_array()) {
      if (!item.is_object()) continue;
      const std::string id = net::string_at(item.as_object(), "id");
      if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  if (ids.size() > max_calendars) {
    api_error e{400, "tooManyCalendarsRequested", "Too many calendars requested. The limit is 50.", "calendar"};
    return e;
  }

  boost::json::object calendars;
  for (const auto& id : ids) {
    const calendar* cal = find(id);
    if (!cal) {
      calendars[id] = boost::json::object{
          {"errors", boost::json::array{boost::json::object{{"domain", "global"}, {"reason", "notFound"}}}},
          {"busy", boost::json::array{}}};
      continue;
    }
    std::vector<interval> busy;
    for (const auto& [event_id, stored] : cal->events) {
      if (!blocks_time(stored.resource)) continue;
      // A date has no zone: all-day events are placed in the request's zone, else the
      // calendar's (Europe/Amsterdam for every sandbox calendar).
      auto timing = timing_of(stored.resource, zone ? zone : default_zone());
      if (std::holds_alternative<api_error>(timing)) continue;
      const auto& t = std::get<event_timing>(timing);
      const auto length = t.end - t.start;
      if (!t.rule) {
        busy.emplace_back(t.start, t.end);
        continue;
      }
      for (auto start : expand(*t.rule, t.first_local, t.zone, length, *time_min, *time_max)) {
        if (t.all_day) {
          // Each all-day occurrence is a whole local day (or several), DST or not.
          const auto days = date::floor<date::days>(std::chrono::duration_cast<std::chrono::seconds>(length) +
                                                    std::chrono::hours(12));
          const auto local = t.zone->to_local(start);
          busy.emplace_back(start, local_to_sys(date::floor<date::days>(local) + days, t.zone));
        } else {
          busy.emplace_back(start, start + length);
        }
      }
    }
    std::sort(busy.begin(), busy.end());
    std::vector<interval> merged;
    for (auto [from, to] : busy) {
      from = std::max(from, *time_min);
      to = std::min(to, *time_max);
      if (to <= from) continue;
      if (!merged.empty() && from <= merged.back().second) merged.back().second = std::max(merged.back().second, to);
      else merged.emplace_back(from, to);
    }
    boost::json::array periods;
    for (const auto& [from, to] : merged)
      periods.push_back(boost::json::object{{"start", format_rfc3339(from, zone)}, {"end", format_rfc3339(to, zone)}});
    calendars[id] = boost::json::object{{"busy", std::move(periods)}};
  }
  return boost::json::object{{"kind", "calendar#freeBusy"},
                             {"timeMin", format_utc_millis(*time_min)},
                             {"timeMax", format_utc_millis(*time_max)},
                             {"calendars", std::move(calendars)}};
}

}  // namespace tutorbot::sandbox::google
