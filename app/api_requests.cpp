#include "app/api_requests.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <date/date.h>
#include <date/tz.h>

#include "domain/instant.hpp"
#include "net/json_fields.hpp"

namespace tutorbot::app {

namespace json = boost::json;
using std::chrono::sys_seconds;

namespace {

constexpr int max_window_days = 92;
constexpr int max_lesson_minutes = 24 * 60;
constexpr std::size_t max_student_ref = 200;
constexpr std::size_t max_staff_name = 100;
constexpr std::size_t max_override_reason = 500;

std::optional<date::year_month_day> parse_local_date(std::string_view text) {
  auto day = domain::parse_iso_date(std::string(text));
  if (!day) return std::nullopt;
  return date::year_month_day{date::year{static_cast<int>(day->year())}, date::month{static_cast<unsigned>(day->month())},
                              date::day{static_cast<unsigned>(day->day())}};
}

std::optional<int> parse_positive_int(std::string_view text) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value > 0 ? std::optional<int>(value) : std::nullopt;
}

// Local midnight of `day` as an instant (choose::earliest covers a zone that skips midnight).
sys_seconds local_midnight(const date::time_zone* zone, date::year_month_day day) {
  return std::chrono::time_point_cast<std::chrono::seconds>(zone->to_sys(date::local_days{day}, date::choose::earliest));
}

sys_seconds local_midnight_after(const date::time_zone* zone, date::year_month_day day) {
  return local_midnight(zone, date::year_month_day{date::sys_days{day} + date::days{1}});
}

// The body as a JSON object, or nothing when it is not one.
std::optional<json::object> object_body(std::string_view body) {
  boost::system::error_code ec;
  auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::optional<std::string> string_field(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

}  // namespace

parsed<domain::slot_query> parse_slots_query(std::string_view from_text, std::string_view to_text,
                                             std::string_view duration_text, const date::time_zone* zone) {
  auto from = parse_local_date(from_text);
  auto to = parse_local_date(to_text);
  if (!from || !to) return api_problem{400, "bad_date", "from and to must be dates as YYYY-MM-DD"};
  auto duration = parse_positive_int(duration_text);
  if (!duration) return api_problem{400, "bad_duration", "duration must be a whole number of minutes"};
  auto days = (date::sys_days{*to} - date::sys_days{*from}).count();
  if (days < 0 || days >= max_window_days)
    return api_problem{400, "bad_window", "to must be on or after from, at most 92 days later"};
  domain::slot_query query;
  query.from = local_midnight(zone, *from);
  query.to = local_midnight_after(zone, *to);
  query.duration_minutes = *duration;
  return query;
}

parsed<local_days_window> parse_bookings_window(std::string_view from_text, std::string_view to_text,
                                                const date::time_zone* zone) {
  auto from = parse_local_date(from_text);
  auto to = parse_local_date(to_text);
  if (!from || !to || date::sys_days{*to} < date::sys_days{*from})
    return api_problem{400, "bad_date", "from and to must be dates as YYYY-MM-DD, from <= to"};
  return local_days_window{local_midnight(zone, *from), local_midnight_after(zone, *to)};
}

namespace {

// What a hold and a series both name: tutor_id, a start (RFC 3339) under `start_key`,
// duration_minutes and student_ref; `expected` describes the whole body when one is missing.
parsed<hold_fields> lesson_fields(const json::object& o, const char* start_key, const char* expected) {
  auto tutor = string_field(o, "tutor_id");
  auto start_text = string_field(o, start_key);
  auto student_ref = string_field(o, "student_ref");
  const auto* duration = o.if_contains("duration_minutes");
  if (!tutor || !start_text || !student_ref || !duration || !duration->is_int64())
    return api_problem{400, "bad_request", expected};
  auto start = domain::parse_rfc3339(*start_text);
  if (!start)
    return api_problem{400, "bad_date", std::string(start_key) + " must be RFC 3339, e.g. 2026-12-01T16:00:00+01:00"};
  const auto minutes = duration->as_int64();
  if (minutes <= 0 || minutes > max_lesson_minutes)
    return api_problem{400, "bad_duration", "duration_minutes must be between 1 and 1440"};
  if (student_ref->size() > max_student_ref)
    return api_problem{400, "bad_request", "student_ref is at most 200 characters"};
  return hold_fields{std::move(*tutor), *start, static_cast<int>(minutes), std::move(*student_ref)};
}

}  // namespace

parsed<hold_fields> parse_hold_request(std::string_view body) {
  auto o = object_body(body);
  if (!o) return api_problem{400, "bad_json", "the body must be a JSON object"};
  return lesson_fields(*o, "start",
                       "expected {tutor_id: string, start: RFC 3339, duration_minutes: integer, student_ref: string}");
}

api_problem series_problem(domain::series_error error) {
  using domain::series_error;
  switch (error) {
    case series_error::count_or_until_required:
      return {400, "bad_request", "give either count (lessons) or until (YYYY-MM-DD), not both"};
    case series_error::invalid_interval:
      return {422, "invalid_interval", "interval_weeks must be 1 (weekly) or 2 (every two weeks)"};
    case series_error::invalid_count: return {422, "invalid_count", "count must be at least 1"};
    case series_error::until_before_first: return {422, "invalid_until", "until is before the first lesson"};
    case series_error::too_long: return {422, "too_long", "the series has more lessons than the school allows"};
    case series_error::invalid_duration: return {400, "bad_duration", "duration_minutes must be between 1 and 1440"};
  }
  return {422, "invalid_series", domain::to_string(error)};
}

parsed<series_fields> parse_series_request(std::string_view body, const domain::series_rules& rules,
                                           const date::time_zone* zone) {
  auto o = object_body(body);
  if (!o) return api_problem{400, "bad_json", "the body must be a JSON object"};
  constexpr const char* expected =
      "expected {tutor_id, first_start: RFC 3339, duration_minutes, interval_weeks: 1 or 2, count or until: "
      "YYYY-MM-DD, student_ref, on_clash?: reject|skip|move|extend}";
  auto lesson = lesson_fields(*o, "first_start", expected);
  if (auto* problem = std::get_if<api_problem>(&lesson)) return *problem;
  const auto* interval = o->if_contains("interval_weeks");
  if (!interval || !interval->is_int64()) return api_problem{400, "bad_request", expected};
  auto& first = std::get<hold_fields>(lesson);
  series_fields out{std::move(first.tutor_id), {}, std::move(first.student_ref), rules.on_clash};
  out.series.first_start = first.start;
  out.series.duration_minutes = first.duration_minutes;
  if (interval->as_int64() != 1 && interval->as_int64() != 2) return series_problem(domain::series_error::invalid_interval);
  out.series.interval_weeks = static_cast<int>(interval->as_int64());
  if (const auto* count = o->if_contains("count")) {
    if (!count->is_int64()) return api_problem{400, "bad_request", "count must be a whole number of lessons"};
    if (count->as_int64() < 1) return series_problem(domain::series_error::invalid_count);
    if (count->as_int64() > rules.max_lessons)
      return api_problem{422, "too_long", "count is over the school's maximum of " + std::to_string(rules.max_lessons) + " lessons"};
    out.series.count = static_cast<int>(count->as_int64());
  }
  if (const auto* until = o->if_contains("until")) {
    auto day = until->is_string() ? domain::parse_iso_date(std::string(until->as_string())) : std::nullopt;
    if (!day) return api_problem{400, "bad_date", "until must be a date as YYYY-MM-DD"};
    out.series.until = *day;
  }
  if (const auto* policy = o->if_contains("on_clash")) {
    auto parsed_policy = policy->is_string() ? domain::parse_collision_policy(std::string(policy->as_string())) : std::nullopt;
    if (!parsed_policy) return api_problem{400, "bad_request", "on_clash must be reject, skip, move or extend"};
    out.on_clash = *parsed_policy;
  }
  // The dates themselves: both count and until, an until before the start, too many lessons.
  auto lessons = domain::occurrences(out.series, zone);
  if (auto* error = std::get_if<domain::series_error>(&lessons)) return series_problem(*error);
  if (std::get<std::vector<domain::slot>>(lessons).size() > static_cast<std::size_t>(rules.max_lessons))
    return api_problem{422, "too_long", "until gives more lessons than the school's maximum of " +
                                            std::to_string(rules.max_lessons)};
  return out;
}

parsed<std::optional<sys_seconds>> parse_series_cancel_from(const std::optional<std::string>& from,
                                                            const date::time_zone* zone) {
  if (!from) return std::optional<sys_seconds>{};
  auto day = parse_local_date(*from);
  if (!day) return api_problem{400, "bad_date", "from must be a date as YYYY-MM-DD"};
  return std::optional<sys_seconds>{local_midnight(zone, *day)};
}

parsed<domain::booking_id> parse_reschedule_request(std::string_view body) {
  auto o = object_body(body);
  auto hold = o ? string_field(*o, "hold_id") : std::nullopt;
  if (!hold) return api_problem{400, "bad_request", "expected {hold_id: string}: a held slot to move onto"};
  return domain::booking_id{std::move(*hold)};
}

parsed<db::staff_override> parse_override_request(std::string_view body) {
  auto o = object_body(body);
  db::staff_override by;
  if (o) by = {net::string_at(*o, "staff"), net::string_at(*o, "reason")};
  if (by.staff.empty() || by.staff.size() > max_staff_name || by.reason.empty() || by.reason.size() > max_override_reason)
    return api_problem{400, "override_required",
                       "confirming without a payment is a staff override: send {staff: who (≤ 100 characters), "
                       "reason: why (≤ 500 characters)}"};
  return by;
}

}  // namespace tutorbot::app
