#pragma once
// Internal to db/: enqueue outbox work inside a repository's own transaction, so the work
// exists exactly when the state change that causes it was committed.
#include <string>

#include <pqxx/pqxx>

namespace tutorbot::db {

bool enqueue_in(pqxx::work& tx, const std::string& kind, const std::string& idempotency_key,
                const std::string& payload, long long due_epoch);

// What follows a change of a confirmed booking (a confirmation, a move, a cancellation), made
// inside the change's own transaction: calendar.sync, unique per call (several changes of one
// booking each sync), and mail.booking, once per invite sequence the change left; the moment
// is kept as the booking's last_change_at (a reminder due before it is not sent).
void enqueue_booking_change_in(pqxx::work& tx, const std::string& booking_id);

// stripe.expire_session for the booking's open Checkout Session, if it has one: a released
// hold must not stay payable.
void enqueue_session_expiry_in(pqxx::work& tx, const std::string& booking_id);

}  // namespace tutorbot::db
