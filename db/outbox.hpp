#pragma once
// The outbox: side effects (calendar events, refunds, messages) written in the same
// transaction as the state change that causes them, then leased by a worker, executed and
// marked done, retried after a failure, or set aside after the last attempt. Leases use
// FOR UPDATE SKIP LOCKED, so any number of workers in any number of instances share one
// table without taking the same row twice. A lease lasts until its time (PostgreSQL's
// clock) runs out; its holder renews it while working, and a crashed holder's lease simply
// runs out. Every lease bumps the row's generation, and renewing or finishing a row needs
// the generation it was leased under: a holder whose lease ran out is fenced off.
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
// E-mail the student the booking's invite as it stands at one invite sequence (a new, a moved
// or a cancelled lesson). Payload: {"booking_id", "sequence"}; the key is the Message-ID's.
inline constexpr const char* booking_mail = "mail.booking";
// E-mail the payer the receipt of a paid order. Payload: {"order_id"}.
inline constexpr const char* receipt_mail = "mail.receipt";
// Remind the student of a lesson (db/reminders). Payload: {"booking_id", "sequence"}.
inline constexpr const char* whatsapp_reminder = "reminder.whatsapp";
inline constexpr const char* email_reminder = "reminder.email";
// Refund (part of) a paid order. Payload: {"order_id", "amount_cents", "reason"}.
inline constexpr const char* stripe_refund = "stripe.refund";
// End a Checkout Session whose hold is gone, so nobody pays for a released slot.
// Payload: {"order_id", "session_id"}.
inline constexpr const char* stripe_expire_session = "stripe.expire_session";
// What a conversation step says to Chatwoot, in order per conversation and lane (ordering key
// "conversation:<id>" for what the student sees, "conversation:<id>:side" for side calls; see
// db::outbox_lane). Payloads carry "conversation_id" and:
// "content", "options"?, "private"?, "template"? (true: as the approved WhatsApp template)
inline constexpr const char* chatwoot_message = "chatwoot.message";
inline constexpr const char* chatwoot_labels = "chatwoot.labels";    // "add" or "remove": [labels]
inline constexpr const char* chatwoot_contact = "chatwoot.contact";  // "contact_id", "attributes": {…}
inline constexpr const char* chatwoot_status = "chatwoot.status";    // "status", "reason"
}  // namespace outbox_kind

// The key of the stripe.refund work a lesson's cancellation queues, before the booking id.
inline constexpr const char* cancellation_refund_key_prefix = "refund:cancel:";

struct outbox_item {
  long long id = 0;
  long long generation = 0;  // of the lease this item was taken under
  std::string kind;
  std::string idempotency_key;
  std::string payload;  // JSON text
  int attempts = 0;     // including the current one
  std::chrono::sys_seconds created_at;
};

// Adds work unless a row with the same idempotency key exists; true when added.
bool enqueue(connection& conn, const std::string& kind, const std::string& idempotency_key,
             const std::string& payload, std::chrono::sys_seconds due_at);

// Leases the row due first (due_at ≤ PostgreSQL's now(), not leased or its lease run out,
// nothing earlier of its ordering key unfinished) for `lease`, counts the attempt and bumps
// the generation. One row at a time: a row waits for its turn unleased, free for any worker.
std::optional<outbox_item> lease_next(connection& conn, std::chrono::seconds lease);

// The outcome of an item under its lease; each is false, changing nothing, when the lease
// was lost (it ran out and another worker leased the row since): the caller's effect may
// have run twice and must say so.
// Extends the lease to now() + lease.
bool renew_lease(connection& conn, const outbox_item& item, std::chrono::seconds lease);
bool mark_done(connection& conn, const outbox_item& item);
// Releases the lease and makes the row due again `retry_in` from now().
bool schedule_retry(connection& conn, const outbox_item& item, const std::string& error, std::chrono::seconds retry_in);
// No more attempts: the row stays for staff to read, never leased again.
bool give_up(connection& conn, const outbox_item& item, const std::string& error);

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

// Work given up on (refused for good or out of attempts), most recent first, at most `limit`:
// what an operator has to look at.
struct given_up_work {
  long long id = 0;
  std::string kind, payload;
  int attempts = 0;
  std::string last_error;
  std::chrono::sys_seconds given_up_at;
};
std::vector<given_up_work> given_up_outbox(connection& conn, int limit);

}  // namespace tutorbot::db
