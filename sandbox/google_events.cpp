// events.insert / get / patch / delete / list with Google Calendar v3's rules and shapes.
#include <algorithm>
#include <random>

#include <boost/json/array.hpp>

#include "net/json_fields.hpp"
#include "sandbox/google_store.hpp"

namespace tutorbot::sandbox::google {
namespace {

// Fields Google sets itself: a client's values for them are ignored, not stored.
constexpr std::string_view server_fields[] = {"kind", "etag", "htmlLink", "created", "updated", "creator",
                                              "organizer", "iCalUID"};

bool server_field(std::string_view key) {
  return std::find(std::begin(server_fields), std::end(server_fields), key) != std::end(server_fields);
}

api_error not_found() { return {404, "notFound", "Not Found"}; }

api_error bad_request(std::string reason, std::string message) {
  return {400, std::move(reason), std::move(message)};
}

const boost::json::object* object_field(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

struct point {
  std::chrono::sys_seconds at;
  bool all_day = false;
  date::local_seconds local;
  const date::time_zone* zone = nullptr;
  bool has_zone = false;  // the event named a timeZone for this point
};

std::variant<point, api_error> point_of(const boost::json::object& event, std::string_view which,
                                        const date::time_zone* all_day_zone) {
  const std::string name(which);
  const auto* p = object_field(event, which);
  if (!p) return api_error{400, "required", "Missing " + name + " time."};
  const std::string zone_name = net::string_at(*p, "timeZone");
  const date::time_zone* zone = zone_name.empty() ? nullptr : find_zone(zone_name);
  if (!zone_name.empty() && !zone)
    return api_error{400, "invalid", "Invalid time zone definition for " + name + " time."};
  point result;
  result.has_zone = zone != nullptr;
  const std::string date_time = net::string_at(*p, "dateTime");
  const std::string day = net::string_at(*p, "date");
  if (!date_time.empty()) {
    if (auto instant = parse_rfc3339(date_time)) {
      result.at = *instant;
    } else if (auto local = parse_local_datetime(date_time); local && zone) {
      result.at = local_to_sys(date::local_seconds{*local}, zone);
    } else if (local) {
      return api_error{400, "required", "Missing time zone definition for " + name + " time."};
    } else {
      return api_error{400, "invalid", "Invalid " + name + " time."};
    }
    result.zone = zone ? zone : default_zone();
    result.local = result.zone->to_local(result.at);
  } else if (!day.empty()) {
    auto d = parse_date(day);
    if (!d) return api_error{400, "invalid", "Invalid " + name + " time."};
    result.all_day = true;
    result.zone = all_day_zone ? all_day_zone : default_zone();
    result.local = date::local_seconds{d->time_since_epoch()};
    result.at = local_to_sys(result.local, result.zone);
  } else {
    return api_error{400, "required", "Missing " + name + " time."};
  }
  return result;
}

const std::chrono::sys_seconds epoch_zero{};

}  // namespace

bool valid_event_id(const std::string& id) {
  return id.size() >= 5 && id.size() <= 1024 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'v') || (c >= '0' && c <= '9');
         });
}

std::variant<event_timing, api_error> timing_of(const boost::json::object& event,
                                                const date::time_zone* all_day_zone) {
  auto start = point_of(event, "start", all_day_zone);
  if (auto* e = std::get_if<api_error>(&start)) return *e;
  auto end = point_of(event, "end", all_day_zone);
  if (auto* e = std::get_if<api_error>(&end)) return *e;
  const auto& s = std::get<point>(start);
  const auto& f = std::get<point>(end);
  if (s.all_day != f.all_day)
    return api_error{400, "invalid", "Start and end times must either both be date or both be dateTime."};
  if (f.at < s.at) {
    api_error e{400, "timeRangeEmpty", "The specified time range is empty.", "calendar"};
    return e;
  }
  event_timing timing{s.at, f.at, s.all_day, s.local, s.zone, std::nullopt};
  auto it = event.find("recurrence");
  if (it != event.end() && it->value().is_array() && !it->value().as_array().empty()) {
    // Google needs the zone to repeat the wall-clock time across DST changes.
    if (!s.all_day && !s.has_zone)
      return api_error{400, "required", "Missing time zone definition for start time."};
    auto rule = parse_recurrence(it->value().as_array(), s.local, s.zone);
    if (auto* message = std::get_if<std::string>(&rule)) return api_error{400, "invalid", *message};
    timing.rule = std::get<recurrence>(std::move(rule));
  }
  return timing;
}

calendar_store::calendar* calendar_store::find(const std::string& calendar_id) {
  if (std::find(removed_.begin(), removed_.end(), calendar_id) != removed_.end()) return nullptr;
  return &calendars_[calendar_id];
}

const calendar_store::calendar* calendar_store::find(const std::string& calendar_id) const {
  static const calendar empty;
  if (std::find(removed_.begin(), removed_.end(), calendar_id) != removed_.end()) return nullptr;
  auto it = calendars_.find(calendar_id);
  return it == calendars_.end() ? &empty : &it->second;
}

std::string calendar_store::next_etag() {
  // Google's etags are quoted decimal numbers that change on every write.
  return "\"" + std::to_string(3400000000000000ULL + ++counter_ * 1000) + "\"";
}

std::string calendar_store::new_event_id() {
  static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuv";
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::string id(26, '0');
  for (auto& c : id) c = alphabet[random() % 32];
  return id;
}

store_result calendar_store::insert(const std::string& calendar_id, boost::json::object event,
                                    const std::string& send_updates, bool delegated,
                                    std::chrono::sys_seconds now) {
  calendar* cal = find(calendar_id);
  if (!cal) return not_found();
  std::string id = net::string_at(event, "id");
  if (event.contains("id") && !valid_event_id(id)) return bad_request("invalid", "Invalid resource id value.");
  if (id.empty()) id = new_event_id();
  if (cal->events.contains(id))  // deleted events keep their id, as at Google
    return api_error{409, "duplicate", "The requested identifier already exists."};
  auto timing = timing_of(event, nullptr);
  if (auto* e = std::get_if<api_error>(&timing)) return *e;
  if (auto it = event.find("attendees"); it != event.end() && it->value().is_array()) {
    if (!it->value().as_array().empty() && !delegated)
      return api_error{403, "forbiddenForServiceAccounts",
                       "Service accounts cannot invite attendees without Domain-Wide Delegation of Authority.",
                       "calendar"};
    for (auto& attendee : it->value().as_array())
      if (attendee.is_object() && !attendee.as_object().contains("responseStatus"))
        attendee.as_object()["responseStatus"] = "needsAction";
  }
  for (auto key : server_fields) event.erase(key);
  const std::string status = net::string_at(event, "status");
  if (status != "tentative" && status != "cancelled") event["status"] = "confirmed";
  const std::string stamp = format_utc_millis(now);
  boost::json::object resource{{"kind", "calendar#event"},
                               {"etag", next_etag()},
                               {"id", id},
                               {"status", event["status"]},
                               {"htmlLink", "https://www.google.com/calendar/event?eid=" + id},
                               {"created", stamp},
                               {"updated", stamp},
                               {"creator", boost::json::object{{"email", actor_email_}}},
                               {"organizer", boost::json::object{{"email", calendar_id}, {"self", true}}}};
  for (auto& field : event) resource.insert_or_assign(field.key(), field.value());
  resource["id"] = id;
  resource["iCalUID"] = id + "@google.com";
  if (!resource.contains("sequence")) resource["sequence"] = 0;
  if (!resource.contains("reminders")) resource["reminders"] = boost::json::object{{"useDefault", true}};
  if (!resource.contains("eventType")) resource["eventType"] = "default";
  cal->events[id] = stored_event{resource, send_updates, counter_};
  return resource;
}

store_result calendar_store::get(const std::string& calendar_id, const std::string& event_id) const {
  const calendar* cal = find(calendar_id);
  if (!cal) return not_found();
  auto it = cal->events.find(event_id);
  if (it == cal->events.end()) return not_found();
  return it->second.resource;  // a cancelled event too: "the get method always returns them"
}

store_result calendar_store::patch(const std::string& calendar_id, const std::string& event_id,
                                   const boost::json::object& changes, const std::string& send_updates,
                                   bool delegated, std::chrono::sys_seconds now) {
  calendar* cal = find(calendar_id);
  if (!cal) return not_found();
  auto it = cal->events.find(event_id);
  if (it == cal->events.end()) return not_found();
  boost::json::object merged = it->second.resource;
  bool moved = false;
  for (const auto& field : changes) {
    const std::string_view key = field.key();
    if (server_field(key) || key == "id") continue;
    if (key == "start" || key == "end" || key == "recurrence") moved = moved || merged[key] != field.value();
    if (field.value().is_null()) merged.erase(key);
    else merged[key] = field.value();
  }
  auto timing = timing_of(merged, nullptr);
  if (auto* e = std::get_if<api_error>(&timing)) return *e;
  if (changes.contains("attendees") && !delegated) {
    auto a = merged.find("attendees");
    if (a != merged.end() && a->value().is_array() && !a->value().as_array().empty())
      return api_error{403, "forbiddenForServiceAccounts",
                       "Service accounts cannot invite attendees without Domain-Wide Delegation of Authority.",
                       "calendar"};
  }
  if (moved) merged["sequence"] = (merged["sequence"].is_int64() ? merged["sequence"].as_int64() : 0) + 1;
  merged["etag"] = next_etag();
  merged["updated"] = format_utc_millis(now);
  it->second.resource = merged;
  it->second.send_updates = send_updates;
  return merged;
}

std::optional<api_error> calendar_store::remove(const std::string& calendar_id, const std::string& event_id,
                                                const std::string& send_updates, std::chrono::sys_seconds now) {
  calendar* cal = find(calendar_id);
  if (!cal) return not_found();
  auto it = cal->events.find(event_id);
  if (it == cal->events.end()) return not_found();
  auto& resource = it->second.resource;
  if (net::string_at(resource, "status") == "cancelled")
    return api_error{410, "deleted", "Resource has been deleted"};
  resource["status"] = "cancelled";
  resource["etag"] = next_etag();
  resource["updated"] = format_utc_millis(now);
  it->second.send_updates = send_updates;
  return std::nullopt;
}

store_result calendar_store::list(const std::string& calendar_id, const list_query& query) const {
  const calendar* cal = find(calendar_id);
  if (!cal) return not_found();
  std::vector<const stored_event*> events;
  for (const auto& [id, stored] : cal->events) events.push_back(&stored);
  std::sort(events.begin(), events.end(), [](auto* a, auto* b) { return a->order < b->order; });
  boost::json::array items;
  for (const auto* stored : events) {
    const auto& resource = stored->resource;
    if (!query.show_deleted && net::string_at(resource, "status") == "cancelled") continue;
    auto timing = timing_of(resource, nullptr);
    if (std::holds_alternative<api_error>(timing)) continue;
    const auto& t = std::get<event_timing>(timing);
    const auto from = query.time_min.value_or(epoch_zero);
    const auto to = query.time_max.value_or(std::chrono::sys_seconds::max());
    if (!t.rule) {
      if (t.end > from && t.start < to) items.push_back(resource);
      continue;
    }
    auto starts = expand(*t.rule, t.first_local, t.zone, t.end - t.start, from, to);
    if (starts.empty()) continue;
    if (!query.single_events) {
      items.push_back(resource);
      continue;
    }
    // singleEvents=true: one instance per occurrence, ids as Google forms them.
    for (auto start : starts) {
      boost::json::object instance = resource;
      const std::string stamp = date::format("%Y%m%dT%H%M%SZ", start);
      const std::string zone_name = std::string(t.zone->name());
      instance["id"] = net::string_at(resource, "id") + "_" + stamp;
      instance["recurringEventId"] = net::string_at(resource, "id");
      instance.erase("recurrence");
      if (t.all_day) {
        const auto day = date::format("%Y-%m-%d", date::floor<date::days>(t.zone->to_local(start)));
        const auto last = date::format("%Y-%m-%d", date::floor<date::days>(t.zone->to_local(start + (t.end - t.start))));
        instance["start"] = boost::json::object{{"date", day}};
        instance["end"] = boost::json::object{{"date", last}};
        instance["originalStartTime"] = boost::json::object{{"date", day}};
      } else {
        instance["start"] = boost::json::object{{"dateTime", format_rfc3339(start, t.zone)}, {"timeZone", zone_name}};
        instance["end"] = boost::json::object{{"dateTime", format_rfc3339(start + (t.end - t.start), t.zone)},
                                              {"timeZone", zone_name}};
        instance["originalStartTime"] =
            boost::json::object{{"dateTime", format_rfc3339(start, t.zone)}, {"timeZone", zone_name}};
      }
      items.push_back(std::move(instance));
    }
  }
  return boost::json::object{{"kind", "calendar#events"},
                             {"etag", "\"" + std::to_string(3400000000000000ULL + counter_ * 1000) + "\""},
                             {"summary", calendar_id},
                             {"timeZone", "Europe/Amsterdam"},
                             {"accessRole", "owner"},
                             {"defaultReminders", boost::json::array{}},
                             {"items", std::move(items)}};
}

void calendar_store::remove_calendar(const std::string& calendar_id) {
  calendars_.erase(calendar_id);
  removed_.push_back(calendar_id);
}

std::vector<std::string> calendar_store::event_ids(const std::string& calendar_id) const {
  std::vector<std::string> ids;
  const calendar* cal = find(calendar_id);
  if (!cal) return ids;
  for (const auto& [id, stored] : cal->events)
    if (net::string_at(stored.resource, "status") != "cancelled") ids.push_back(id);
  return ids;
}

std::optional<std::string> calendar_store::send_updates(const std::string& calendar_id,
                                                        const std::string& event_id) const {
  const calendar* cal = find(calendar_id);
  if (!cal) return std::nullopt;
  auto it = cal->events.find(event_id);
  if (it == cal->events.end()) return std::nullopt;
  return it->second.send_updates;
}

}  // namespace tutorbot::sandbox::google
