#include "net/google_calendar_json.hpp"

#include <boost/json.hpp>

#include "domain/instant.hpp"
#include "net/json_fields.hpp"

namespace tutorbot::net::google_json {

namespace json = boost::json;
using namespace std::chrono;

std::string rfc3339(sys_seconds t) { return domain::rfc3339(t); }

std::optional<sys_seconds> parse_rfc3339(std::string_view s) {
  // Google writes fractions of a second and RFC 3339 allows lower-case t and z: both are
  // taken to the strict form that domain::parse_rfc3339 reads, which bounds every field.
  if (s.size() == 10) {
    const auto date = domain::parse_iso_date(s);
    return date ? std::optional{sys_seconds{sys_days{*date}}} : std::nullopt;
  }
  if (s.size() < 20 || s.size() > 64) return std::nullopt;
  std::string strict(s);
  if (strict[10] == 't') strict[10] = 'T';
  if (strict.back() == 'z') strict.back() = 'Z';
  if (strict[19] == '.') {
    auto end = strict.find_first_not_of("0123456789", 20);
    if (end == 20 || end == std::string::npos) return std::nullopt;
    strict.erase(19, end - 19);
  }
  return domain::parse_rfc3339(strict);
}

namespace {

json::object event_time(sys_seconds t, const std::string& time_zone) {
  json::object o{{"dateTime", rfc3339(t)}};
  if (!time_zone.empty()) o["timeZone"] = time_zone;
  return o;
}

json::object event_object(const calendar_event_spec& spec, bool with_attendees) {
  json::object body;
  if (!spec.id.empty()) body["id"] = spec.id;
  body["summary"] = spec.summary;
  if (!spec.description.empty()) body["description"] = spec.description;
  body["start"] = event_time(spec.start, spec.time_zone);
  body["end"] = event_time(spec.end, spec.time_zone);
  json::array overrides;
  for (int minutes : spec.reminder_minutes) overrides.push_back(json::object{{"method", "popup"}, {"minutes", minutes}});
  body["reminders"] = json::object{{"useDefault", false}, {"overrides", std::move(overrides)}};
  if (!spec.private_properties.empty()) {
    json::object priv;
    for (const auto& [k, v] : spec.private_properties) priv[k] = v;
    body["extendedProperties"] = json::object{{"private", std::move(priv)}};
  }
  if (with_attendees && !spec.attendees.empty()) {
    json::array attendees;
    for (const auto& email : spec.attendees) attendees.push_back(json::object{{"email", email}});
    body["attendees"] = std::move(attendees);
  }
  if (!spec.recurrence.empty()) {
    json::array lines;
    for (const auto& line : spec.recurrence) lines.push_back(json::value(line));
    body["recurrence"] = std::move(lines);
  }
  return body;
}

std::optional<sys_seconds> parse_event_time(const json::object* o) {
  if (!o) return std::nullopt;
  if (auto dt = string_at(*o, "dateTime"); !dt.empty()) return parse_rfc3339(dt);
  if (auto d = string_at(*o, "date"); !d.empty()) return parse_rfc3339(d);
  return std::nullopt;
}

}  // namespace

std::optional<calendar_event> parse_event(std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto& o = doc.as_object();
  calendar_event e;
  e.id = string_at(o, "id");
  if (e.id.empty()) return std::nullopt;
  e.status = string_at(o, "status");
  e.summary = string_at(o, "summary");
  e.description = string_at(o, "description");
  e.html_link = string_at(o, "htmlLink");
  const json::object* start = object_at(o, "start");
  if (auto t = parse_event_time(start)) e.start = *t;
  if (auto t = parse_event_time(object_at(o, "end"))) e.end = *t;
  if (start) e.time_zone = string_at(*start, "timeZone");
  if (const auto* attendees = array_at(o, "attendees"))
    for (const auto& a : *attendees)
      if (a.is_object()) e.attendees.push_back(string_at(a.as_object(), "email"));
  if (const auto* reminders = object_at(o, "reminders")) {
    const json::value* use_default = reminders->if_contains("useDefault");
    e.reminders_use_default = use_default && use_default->is_bool() && use_default->as_bool();
    if (const auto* overrides = array_at(*reminders, "overrides"))
      for (const auto& r : *overrides)
        if (r.is_object())
          if (const json::value* m = r.as_object().if_contains("minutes"); m && m->is_number()) {
            boost::system::error_code number_ec;  // 1E440 or 2.5 minutes are no reminder
            if (const int minutes = m->to_number<int>(number_ec); !number_ec) e.reminder_minutes.push_back(minutes);
          }
  }
  if (const auto* ext = object_at(o, "extendedProperties"))
    if (const auto* priv = object_at(*ext, "private"))
      for (const auto& [k, v] : *priv)
        if (v.is_string()) e.private_properties[std::string(k)] = std::string(v.as_string());
  if (const auto* rec = array_at(o, "recurrence"))
    for (const auto& line : *rec)
      if (line.is_string()) e.recurrence.emplace_back(line.as_string());
  return e;
}



// Google's error body: {"error": {"code", "message", "errors": [{"domain", "reason",
// "message"}], "status"}}. Retryable: 403 (user)rateLimitExceeded, 429, 5xx.
classified classify(int status, std::string_view body) {
  google_error error{google_error_kind::invalid, status, {}, {}};
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  if (!ec && doc.is_object()) {
    if (const auto* err = object_at(doc.as_object(), "error")) {
      error.message = string_at(*err, "message");
      if (const auto* errors = array_at(*err, "errors"); errors && !errors->empty() && (*errors)[0].is_object())
        error.reason = string_at((*errors)[0].as_object(), "reason");
      if (error.reason.empty()) error.reason = string_at(*err, "status");
    }
  }
  if (error.message.empty()) error.message = "Google Calendar answered HTTP " + std::to_string(status);
  bool retryable = false;
  int s = status;
  if (s == 401) {
    error.kind = google_error_kind::auth;
  } else if (s == 403) {
    if (error.reason == "rateLimitExceeded" || error.reason == "userRateLimitExceeded") {
      error.kind = google_error_kind::rate_limited;
      retryable = true;
    } else if (error.reason == "quotaExceeded" || error.reason == "dailyLimitExceeded") {
      error.kind = google_error_kind::rate_limited;  // a daily quota: retrying now is pointless
    } else {
      error.kind = google_error_kind::auth;
    }
  } else if (s == 404 || s == 410) {
    error.kind = google_error_kind::not_found;
  } else if (s == 409 || s == 412) {
    error.kind = google_error_kind::conflict;
  } else if (s == 429) {
    error.kind = google_error_kind::rate_limited;
    retryable = true;
  } else if (s >= 500) {
    error.kind = google_error_kind::server;
    retryable = true;
  }
  if (error.reason.empty()) error.reason = "http_" + std::to_string(s);
  return {std::move(error), retryable};
}

//END

std::string event_body(const calendar_event_spec& spec, bool with_attendees) {
  return json::serialize(event_object(spec, with_attendees));
}

std::string times_body(const calendar_event_times& times) {
  std::string zone = times.time_zone.value_or(std::string{});
  return json::serialize(json::object{{"start", event_time(times.start, zone)}, {"end", event_time(times.end, zone)}});
}

std::string free_busy_body(const std::vector<std::string>& calendar_ids, sys_seconds from, sys_seconds to) {
  json::array items;
  for (const auto& id : calendar_ids) items.push_back(json::object{{"id", id}});
  return json::serialize(json::object{
      {"timeMin", rfc3339(from)}, {"timeMax", rfc3339(to)}, {"timeZone", "UTC"}, {"items", std::move(items)}});
}

std::optional<free_busy_map> parse_free_busy(std::string_view body) {
  boost::system::error_code ec;
  json::value doc = json::parse(body, ec);
  const json::object* calendars = !ec && doc.is_object() ? object_at(doc.as_object(), "calendars") : nullptr;
  if (!calendars) return std::nullopt;
  free_busy_map map;
  for (const auto& [id, value] : *calendars) {
    auto& cal = map[std::string(id)];
    if (!value.is_object()) continue;
    if (const auto* busy = array_at(value.as_object(), "busy"))
      for (const auto& b : *busy) {
        if (!b.is_object()) continue;
        auto s = parse_rfc3339(string_at(b.as_object(), "start"));
        auto e = parse_rfc3339(string_at(b.as_object(), "end"));
        if (s && e) cal.busy.push_back({*s, *e});
      }
    if (const auto* errors = array_at(value.as_object(), "errors"))
      for (const auto& e : *errors) {
        if (!e.is_object()) continue;
        std::string reason = string_at(e.as_object(), "reason");
        cal.errors.push_back(google_error{
            reason == "notFound" ? google_error_kind::not_found : google_error_kind::invalid, 0, reason,
            "freeBusy error for calendar " + std::string(id) + " (domain " + string_at(e.as_object(), "domain") + ")"});
      }
  }
  return map;
}

}  // namespace tutorbot::net::google_json
