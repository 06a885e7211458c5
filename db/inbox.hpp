#pragma once
// The webhook inbox: every provider event is stored (deduplicated by the provider's event id)
// and committed before it is acknowledged, then processed by a worker that leases it. An
// event that cannot be applied yet is deferred and tried again later; one that keeps failing
// is parked.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace tutorbot::db {

// True when the event is new; false when it was stored before (a redelivery).
bool store_webhook(connection& conn, const std::string& provider, const std::string& event_id,
                   const std::string& event_type, const std::string& payload);

struct inbox_event {
  long long id = 0;
  std::string event_id, event_type, payload;
  int attempts = 0;  // including this one
};

// Due times and leases are judged on the database's clock, so instances whose clocks differ
// agree on them; `as_of` replaces that clock where a replay of history runs its own.
// Leases up to `limit` unprocessed events that are due, oldest first, for `lease`.
std::vector<inbox_event> lease_inbox(connection& conn, const std::string& provider, int limit,
                                     std::chrono::seconds lease, std::optional<std::chrono::sys_seconds> as_of = {});
void mark_processed(connection& conn, long long id);
// Releases the lease; the event is due again `retry_in` from now.
void defer_event(connection& conn, long long id, const std::string& reason, std::chrono::seconds retry_in,
                 std::optional<std::chrono::sys_seconds> as_of = {});

// An event that keeps failing, or can never be read, is set aside for staff: kept with its
// reason, never leased again, so the events behind it are processed.
void park_event(connection& conn, long long id, const std::string& reason);

struct parked_event {
  std::string provider, event_id, event_type;
  int attempts = 0;
  std::string last_error;
  std::chrono::sys_seconds received_at, parked_at;
};
std::vector<parked_event> parked_events(connection& conn);

struct inbox_counts {
  long long processed = 0, pending = 0, parked = 0;
};
inbox_counts count_inbox(connection& conn, const std::string& provider);

}  // namespace tutorbot::db
