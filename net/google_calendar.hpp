#pragma once
// Google Calendar API v3 client: freeBusy and events insert/get/patch/delete, with
// service-account auth, bounded jittered retries and a deadline per call. Asio, Beast and
// Boost.JSON stay in google_calendar.cpp.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "net/google_auth.hpp"
#include "net/retry.hpp"

namespace boost::asio {
class io_context;
}

namespace tutorbot::net {

class http_client;

struct google_calendar_options {
  std::string base_url = "https://www.googleapis.com/calendar/v3";
  // 403 rateLimitExceeded/userRateLimitExceeded, 429, 5xx and transport errors are retried.
  backoff_policy backoff{};
  std::chrono::milliseconds attempt_timeout{10000};  // one HTTP request
  std::chrono::milliseconds deadline{30000};         // a whole call, retries and backoff included
  std::size_t free_busy_max_calendars = 50;          // Google's limit per freeBusy request
  // Long freeBusy windows are asked in pieces of at most this length: Google refuses
  // overly long freeBusy ranges (400), and 60 days per request stays well inside its limit.
  std::chrono::hours free_busy_max_window{24 * 60};
};

struct busy_period {
  std::chrono::sys_seconds start, end;
  friend bool operator==(const busy_period&, const busy_period&) = default;
};

struct calendar_busy {
  std::vector<busy_period> busy;      // sorted, overlapping and touching periods merged
  std::vector<google_error> errors;   // Google's per-calendar errors (e.g. notFound)
};
using free_busy_map = std::map<std::string, calendar_busy>;  // by calendar id
using free_busy_result = std::variant<free_busy_map, google_error>;

// What we create. Times are UTC instants; `time_zone` (IANA) is sent as start/end timeZone,
// which Google needs to expand a recurrence in local time (a 16:00 lesson stays at 16:00
// across DST).
struct calendar_event_spec {
  std::string id;  // client-chosen, base32hex (event_id_for_booking); empty: Google picks one
  std::string summary;
  std::string description;
  std::chrono::sys_seconds start, end;
  std::string time_zone = "Europe/Amsterdam";
  std::vector<std::string> attendees;             // e-mail addresses; sent only with invites
  std::vector<int> reminder_minutes;              // popup reminders; useDefault is false
  std::map<std::string, std::string> private_properties;  // extendedProperties.private
  std::vector<std::string> recurrence;            // "RRULE:…", "EXDATE:…" lines
};

// What Google has.
struct calendar_event {
  std::string id;
  std::string status;  // "confirmed", "tentative", "cancelled"
  std::string summary;
  std::string description;
  std::chrono::sys_seconds start, end;  // all-day events: midnight UTC of their dates
  std::string time_zone;                // start.timeZone, empty when absent
  std::vector<std::string> attendees;
  std::vector<int> reminder_minutes;
  bool reminders_use_default = false;
  std::map<std::string, std::string> private_properties;
  std::vector<std::string> recurrence;
  std::string html_link;
};

// A reschedule: the new start and end (and time zone, when it changes).
struct calendar_event_times {
  std::chrono::sys_seconds start, end;
  std::optional<std::string> time_zone;
};

// sendUpdates: who gets Google's invitation e-mails. Attendees (and so anything other
// than none) only work with domain-wide delegation; without it Google answers 403
// forbiddenForServiceAccounts.
enum class send_updates { none, all, external_only };

using event_result = std::variant<calendar_event, google_error>;
struct deleted {};
using delete_result = std::variant<deleted, google_error>;

class google_calendar_client {
 public:
  // `io` runs the retry and deadline timers; `http` and `auth` must outlive the client and
  // every call in flight.
  google_calendar_client(boost::asio::io_context& io, http_client& http, google_auth& auth,
                         google_calendar_options options = {});
  ~google_calendar_client();
  google_calendar_client(const google_calendar_client&) = delete;
  google_calendar_client& operator=(const google_calendar_client&) = delete;

  // All calls are thread-safe; each callback runs exactly once, on an io_context thread.

  // Busy periods per calendar in [time_min, time_max): more than free_busy_max_calendars
  // ids or a window longer than free_busy_max_window become several requests (in
  // parallel), merged per calendar. Any request failing for good fails the whole call.
  void free_busy(std::vector<std::string> calendar_ids, std::chrono::sys_seconds time_min,
                 std::chrono::sys_seconds time_max, std::function<void(free_busy_result)> done);

  // Creates the event. Idempotent when spec.id is set: after a lost answer the retry gets
  // 409, and an existing event with the same private properties (our booking_id) counts
  // as success and is returned; another event under that id is a conflict. Without an id
  // only rate-limit refusals are retried (a timeout or 5xx may hide a created event).
  // Attendees are sent only when `updates` is not none (invites need delegation).
  void insert_event(std::string calendar_id, calendar_event_spec spec, send_updates updates,
                    std::function<void(event_result)> done);

  void get_event(std::string calendar_id, std::string event_id, std::function<void(event_result)> done);

  // Moves the event (PATCH start/end); answers the updated event.
  void patch_event(std::string calendar_id, std::string event_id, calendar_event_times times,
                   send_updates updates, std::function<void(event_result)> done);

  // Deletes the event; 404 and 410 (already gone) count as success.
  void delete_event(std::string calendar_id, std::string event_id, send_updates updates,
                    std::function<void(delete_result)> done);

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::net
