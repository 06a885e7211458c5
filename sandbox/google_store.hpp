#pragma once
// The sandbox's calendars: Google Calendar v3 event resources kept as JSON, the rules of
// events.insert/get/patch/delete/list and freeBusy. Not thread-safe: the sandbox locks.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "sandbox/google_protocol.hpp"
#include "sandbox/rrule_expand.hpp"

namespace tutorbot::sandbox::google {

using store_result = std::variant<boost::json::object, api_error>;

// When an event happens, read from its start / end / recurrence.
struct event_timing {
  std::chrono::sys_seconds start, end;  // the first occurrence
  bool all_day = false;
  date::local_seconds first_local;      // start's wall-clock time in `zone`
  const date::time_zone* zone = nullptr;
  std::optional<recurrence> rule;
};
// `all_day_zone` places start.date / end.date (dates have no zone of their own).
std::variant<event_timing, api_error> timing_of(const boost::json::object& event,
                                                const date::time_zone* all_day_zone);

struct list_query {
  std::optional<std::chrono::sys_seconds> time_min, time_max;
  bool show_deleted = false;
  bool single_events = false;
};

class calendar_store {
 public:
  // `actor_email`: the service account, shown as the creator of events made through the API.
  explicit calendar_store(std::string actor_email) : actor_email_(std::move(actor_email)) {}

  // `delegated`: the caller's token impersonates a user (JWT `sub`), which Google requires
  // before a service account may invite attendees.
  store_result insert(const std::string& calendar_id, boost::json::object event,
                      const std::string& send_updates, bool delegated, std::chrono::sys_seconds now);
  store_result get(const std::string& calendar_id, const std::string& event_id) const;
  store_result patch(const std::string& calendar_id, const std::string& event_id,
                     const boost::json::object& changes, const std::string& send_updates, bool delegated,
                     std::chrono::sys_seconds now);
  std::optional<api_error> remove(const std::string& calendar_id, const std::string& event_id,
                                  const std::string& send_updates, std::chrono::sys_seconds now);
  store_result list(const std::string& calendar_id, const list_query& query) const;
  store_result free_busy(const boost::json::object& request) const;

  void remove_calendar(const std::string& calendar_id);
  std::vector<std::string> event_ids(const std::string& calendar_id) const;  // not cancelled
  // The sendUpdates value recorded for an event's last insert / patch / delete.
  std::optional<std::string> send_updates(const std::string& calendar_id, const std::string& event_id) const;

 private:
  struct stored_event {
    boost::json::object resource;
    std::string send_updates;
    std::uint64_t order = 0;  // insertion order, for list
  };
  struct calendar {
    std::map<std::string, stored_event> events;
  };

  // The calendar, created on first use; nullptr when it was removed.
  calendar* find(const std::string& calendar_id);
  const calendar* find(const std::string& calendar_id) const;
  std::string next_etag();
  std::string new_event_id();

  std::string actor_email_;
  std::map<std::string, calendar> calendars_;
  std::vector<std::string> removed_;
  std::uint64_t counter_ = 0;
};

bool valid_event_id(const std::string& id);  // base32hex: [a-v0-9]{5,1024}

}  // namespace tutorbot::sandbox::google
