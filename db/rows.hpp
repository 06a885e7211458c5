#pragma once
// Internal to db/: how booking rows are selected and read, shared by the repositories that
// return bookings.
#include <chrono>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "domain/booking.hpp"

namespace tutorbot::db {

// The select list that to_booking reads, in its order; a query that selects more reads its
// own columns from index booking_column_count on.
extern const std::string booking_columns;
inline constexpr int booking_column_count = 13;
// The same list with each column of bookings named through `table` (an alias in a join).
std::string qualified_booking_columns(const std::string& table);

std::chrono::sys_seconds seconds_at(const pqxx::field& f);
domain::booking to_booking(const pqxx::row& r);
std::vector<domain::booking> to_bookings(const pqxx::result& rows);

// A malformed id cannot name a row; asking PostgreSQL would only raise 22P02.
bool looks_like_uuid(const std::string& id);

long long epoch(std::chrono::sys_seconds t);

// What a paid lesson cost, as SQL over a booking and its order (named by the aliases given):
// a lesson paid alone, what is left of its order; a lesson of a series paid in one order, its
// own share (its price_cents), never more than what is left. A cancellation refunds from it,
// and the chat quotes that refund from it.
std::string lesson_paid_share_sql(const std::string& booking, const std::string& order);

}  // namespace tutorbot::db
