#pragma once
// Internal to db/: booking transitions inside another repository's transaction (a series
// confirms or cancels its lessons in one). They use no prepared statement.
#include <chrono>
#include <optional>
#include <string>

#include <pqxx/pqxx>

#include "db/bookings.hpp"
#include "domain/booking.hpp"
#include "domain/catalog.hpp"

namespace tutorbot::db {

// held → confirmed while the hold lasts, by a staff override (confirm_hold's rules); a hold past
// its expiry is marked expired and refused.
transition_result confirm_in(pqxx::work& tx, const domain::booking_id& id, std::chrono::sys_seconds now,
                             const staff_override& by);

// Cancels a held or confirmed booking and returns it as it is afterwards; nothing for a booking
// that is not active (or does not exist). What follows a confirmed one's cancellation is
// enqueued in the same transaction: the calendar and mail work, and with a policy the refund or
// credit its notice earns. A hold's open Checkout Session is expired.
std::optional<domain::booking> cancel_in(pqxx::work& tx, const domain::booking_id& id, std::chrono::sys_seconds now,
                                         const std::string& reason, const domain::cancellation_policy* policy);

}  // namespace tutorbot::db
