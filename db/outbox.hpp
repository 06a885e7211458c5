#pragma once
// The outbox: side effects (calendar events, refunds, messages) written in the same
// transaction as the state change that causes them, then leased by a worker, executed and
// marked done, retried after a failure, or set aside after the last attempt. Leases use
// FOR UPDATE SKIP LOCKED, so any number of workers in any number of instances share one
// table without taking the same row twice; a crashed worker's lease simply runs out.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "db/connection.hpp"

namespace tutorbot::db {

// What an outbox row asks for; its payload is JSON that the kind's handler understands.
namespace outbox_kind {
// Make the tutor's Google calendar agree with the booking: an event while it is confirmed
// (moved when the lesson moved), none once it is cancelled. Payload: {"booking_id": "…"}.
inline constexpr const char* calendar_sync = "calendar.sync";
// Refund (part of) a paid order. Payload: {"order_id", "amount_cents", "reason"}.
inline constexpr const char* stripe_refund = "stripe.refund";
// End a Checkout Session whose hold is gone, so nobody pays for a released slot.
// Payload: {"order_id", "session_id"}.
inline constexpr const char* stripe_expire_session = "stripe.expire_session";
}  // namespace outbox_kind

struct outbox_item {
  long long id = 0;
  std::string kind;
  std::string idempotency_key;
  std::string payload;  // JSON text
  int attempts = 0;     // including the current one
  std::chrono::sys_seconds created_at;
};

// Adds work unless a row with the same idempotency key exists; true when added.
bool enqueue(connection& conn, const std::string& kind, const std::string& idempotency_key,
             const std::string& payload, std::chrono::sys_seconds due_at);

// Leases up to `limit` due rows (oldest due first) until now + lease and counts the attempt.
std::vector<outbox_item> lease_due(connection& conn, std::chrono::sys_seconds now, int limit,
                                   std::chrono::seconds lease);

void mark_done(connection& conn, long long id);
// Releases the lease and makes the row due again at `retry_at`.
void schedule_retry(connection& conn, long long id, const std::string& error, std::chrono::sys_seconds retry_at);
// No more attempts: the row stays for staff to read, never leased again.
void give_up(connection& conn, long long id, const std::string& error);

struct outbox_counts {
  long long pending = 0;   // not done, not given up
  long long done = 0;
  long long given_up = 0;
};
outbox_counts count_outbox(connection& conn);

struct outbox_row {
  long long id = 0;
  std::string kind, idempotency_key, payload;
  int attempts = 0;
  std::string last_error;
  bool done = false, given_up = false;
};
// The rows of one kind whose payload has `key` = `value` (for operators and tests).
std::vector<outbox_row> find_outbox(connection& conn, const std::string& kind, const std::string& key,
                                    const std::string& value);

}  // namespace tutorbot::db
