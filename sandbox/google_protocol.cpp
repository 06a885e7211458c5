#include "sandbox/google_protocol.hpp"

#include <cctype>
#include <cstdio>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <date/date.h>
#include <date/tz.h>

namespace tutorbot::sandbox::google {
namespace {

// Reads exactly n digits at text[pos].
std::optional<int> digits(std::string_view text, std::size_t pos, std::size_t n) {
  if (pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// "YYYY-MM-DDTHH:MM:SS[.fff]" → local seconds since the epoch, and where it ended.
std::optional<std::pair<std::chrono::seconds, std::size_t>> local_part(std::string_view text) {
  auto days = parse_date(text.substr(0, std::min<std::size_t>(10, text.size())));
  if (!days || text.size() < 19 || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':')
    return std::nullopt;
  auto h = digits(text, 11, 2), m = digits(text, 14, 2), s = digits(text, 17, 2);
  if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    if (pos == start) return std::nullopt;
  }
  auto t = days->time_since_epoch() + std::chrono::hours(*h) + std::chrono::minutes(*m) +
           std::chrono::seconds(*s);
  return std::pair{std::chrono::duration_cast<std::chrono::seconds>(t), pos};
}

boost::json::object error_item(const api_error& e) {
  boost::json::object item{{"domain", e.domain}, {"reason", e.reason}, {"message", e.message}};
  if (!e.location_type.empty()) item["locationType"] = e.location_type;
  if (!e.location.empty()) item["location"] = e.location;
  return item;
}

}  // namespace

std::optional<std::chrono::sys_days> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = digits(text, 0, 4), m = digits(text, 5, 2), d = digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{*y}, std::chrono::month(static_cast<unsigned>(*m)),
                                  std::chrono::day(static_cast<unsigned>(*d))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

std::optional<std::chrono::seconds> parse_local_datetime(std::string_view text) {
  auto local = local_part(text);
  if (!local || local->second != text.size()) return std::nullopt;
  return local->first;
}

std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text) {
  auto local = local_part(text);
  if (!local) return std::nullopt;
  auto [t, pos] = *local;
  std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") return std::chrono::sys_seconds{t};
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':') return std::nullopt;
  auto oh = digits(zone, 1, 2), om = digits(zone, 4, 2);
  if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
  auto offset = std::chrono::hours(*oh) + std::chrono::minutes(*om);
  return std::chrono::sys_seconds{zone[0] == '+' ? t - offset : t + offset};
}

std::string format_utc_millis(std::chrono::sys_seconds t) {
  return date::format("%Y-%m-%dT%H:%M:%S.000Z", t);
}

std::string format_rfc3339(std::chrono::sys_seconds t, const date::time_zone* zone) {
  if (!zone) return date::format("%Y-%m-%dT%H:%M:%SZ", t);
  auto info = zone->get_info(t);
  auto local = date::local_seconds{t.time_since_epoch() + info.offset};
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
  char sign = minutes < 0 ? '-' : '+';
  if (minutes < 0) minutes = -minutes;
  char offset[8];
  std::snprintf(offset, sizeof offset, "%c%02d:%02d", sign, static_cast<int>(minutes / 60),
                static_cast<int>(minutes % 60));
  return date::format("%Y-%m-%dT%H:%M:%S", local) + offset;
}

const date::time_zone* find_zone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

const date::time_zone* default_zone() {
  static const date::time_zone* zone = date::locate_zone("Europe/Amsterdam");
  return zone;
}

net::server_response error_response(const api_error& e) {
  boost::json::object error{{"errors", boost::json::array{error_item(e)}},
                            {"code", e.status},
                            {"message", e.message}};
  return json_response(e.status, boost::json::object{{"error", std::move(error)}});
}

api_error fault_error(int status, const std::string& reason) {
  api_error e{status, reason, {}};
  if (reason == "rateLimitExceeded") {
    e.domain = "usageLimits";
    e.message = "Rate Limit Exceeded";
  } else if (reason == "userRateLimitExceeded") {
    e.domain = "usageLimits";
    e.message = "User Rate Limit Exceeded";
  } else if (reason == "quotaExceeded") {
    e.domain = "usageLimits";
    e.message = "Calendar usage limits exceeded.";
  } else if (reason == "backendError") {
    e.message = "Backend Error";
  } else if (reason == "internalError") {
    e.message = "Internal Error";
  } else {
    e.message = reason.empty() ? "Error" : reason;
  }
  if (e.reason.empty()) e.reason = status >= 500 ? "backendError" : "rateLimitExceeded";
  return e;
}

net::server_response token_error(int status, std::string_view error, std::string_view description) {
  return json_response(status, boost::json::object{{"error", error}, {"error_description", description}});
}

net::server_response json_response(int status, const boost::json::object& body) {
  net::server_response r;
  r.status = status;
  r.content_type = "application/json; charset=UTF-8";
  r.body = boost::json::serialize(body);
  return r;
}

}  // namespace tutorbot::sandbox::google
