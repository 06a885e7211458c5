#pragma once
// Google Calendar v3 JSON: request bodies, answers, error bodies and RFC 3339 times, as
// plain values. Internal to the calendar client (and its tests); Boost.JSON stays in the .cpp.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/google_calendar.hpp"

namespace tutorbot::net::google_json {

// "2026-12-03T15:00:00Z"
std::string rfc3339(std::chrono::sys_seconds t);
// RFC 3339 date-time with Z or an offset (fractions ignored), or a full date (all-day
// events: midnight UTC); nullopt when malformed.
std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text);

std::string event_body(const calendar_event_spec& spec, bool with_attendees);
std::string times_body(const calendar_event_times& times);
std::optional<calendar_event> parse_event(std::string_view body);  // nullopt: not an event

std::string free_busy_body(const std::vector<std::string>& calendar_ids, std::chrono::sys_seconds from,
                           std::chrono::sys_seconds to);
std::optional<free_busy_map> parse_free_busy(std::string_view body);  // nullopt: no calendars

struct classified {
  google_error error;
  bool retryable = false;
};
// A non-2xx answer: kind, reason (errors[0].reason or status) and Google's message.
// Retryable: 403 rateLimitExceeded/userRateLimitExceeded, 429, 5xx.
classified classify(int status, std::string_view body);

}  // namespace tutorbot::net::google_json
