#include "db/bookings.hpp"

#include <boost/json.hpp>

#include "db/bookings_tx.hpp"
#include "db/fence_tx.hpp"
#include "db/outbox.hpp"
#include "db/outbox_tx.hpp"
#include "db/pq.hpp"
#include "db/rows.hpp"
#include "domain/pricing.hpp"

namespace tutorbot::db {

using std::chrono::sys_seconds;

std::string qualified_booking_columns(const std::string& table) {
  const std::string t = table.empty() ? "" : table + ".";
  return t + "id::text, " + t + "tutor_id, " + t + "student_ref, extract(epoch FROM lower(" + t + "lesson))::bigint, " +
         "extract(epoch FROM upper(" + t + "lesson))::bigint, extract(epoch FROM lower(" + t + "blocked))::bigint, " +
         "extract(epoch FROM upper(" + t + "blocked))::bigint, " + t + "status, " + "extract(epoch FROM " + t +
         "hold_expires_at)::bigint, " + t + "product_id, " + t + "price_cents, " + "coalesce(" + t +
         "calendar_event_id, ''), " + t + "invite_sequence";
}

const std::string booking_columns = qualified_booking_columns("");

sys_seconds seconds_at(const pqxx::field& f) { return sys_seconds{std::chrono::seconds{f.as<long long>()}}; }

domain::booking to_booking(const pqxx::row& r) {
  domain::booking b;
  b.id = domain::booking_id{r[0].as<std::string>()};
  b.tutor = domain::tutor_id{r[1].as<std::string>()};
  b.student_ref = r[2].as<std::string>();
  b.lesson_start = seconds_at(r[3]);
  b.lesson_end = seconds_at(r[4]);
  b.blocked_start = seconds_at(r[5]);
  b.blocked_end = seconds_at(r[6]);
  b.status = domain::parse_booking_status(r[7].as<std::string>()).value_or(domain::booking_status::held);
  if (!r[8].is_null()) b.hold_expires_at = seconds_at(r[8]);
  b.product_id = r[9].as<std::string>();
  b.price = domain::cents{r[10].as<long long>()};
  b.calendar_event_id = r[11].as<std::string>();
  b.invite_sequence = r[12].as<int>();
  return b;
}

std::vector<domain::booking> to_bookings(const pqxx::result& rows) {
  std::vector<domain::booking> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(to_booking(r));
  return out;
}

// A malformed id cannot name a booking or an order; asking PostgreSQL would only raise 22P02.
bool looks_like_uuid(const std::string& id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (id[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
  }
  return true;
}

long long epoch(sys_seconds t) { return t.time_since_epoch().count(); }

std::string lesson_paid_share_sql(const std::string& booking, const std::string& order) {
  const std::string remaining = order + ".total_cents - " + order + ".refunded_cents";
  return "LEAST(" + remaining + ", CASE WHEN " + order + ".kind = 'series' THEN " + booking + ".price_cents ELSE " +
         order + ".total_cents END)";
}

namespace {

// What the cancellation policy gives back for a confirmed booking being cancelled at `now`: a
// share of what the lesson cost (lesson_paid_share_sql).
void enqueue_cancellation_refund_in(pqxx::work& tx, const domain::booking& b, const domain::cancellation_policy& policy,
                                    sys_seconds now) {
  auto paid = tx.exec_params(
      "SELECT b.paid_with, o.id::text, " + lesson_paid_share_sql("b", "o") + ", b.student_id::text FROM bookings b "
      "LEFT JOIN orders o ON o.id = b.order_id AND o.status IN ('paid', 'partially_refunded') WHERE b.id = $1::uuid",
      b.id.value)[0];
  const std::string paid_with = paid[0].is_null() ? "" : paid[0].as<std::string>();
  if (paid_with == "stripe" && !paid[1].is_null()) {
    auto refund = domain::refund_for(policy, domain::cents{paid[2].as<long long>()}, b.lesson_start, now);
    if (refund.amount.value <= 0) return;
    boost::json::object payload{{"order_id", paid[1].as<std::string>()},
                                {"amount_cents", refund.amount.value},
                                {"reason", "cancelled_with_notice"}};
    enqueue_in(tx, outbox_kind::stripe_refund, cancellation_refund_key_prefix + b.id.value, boost::json::serialize(payload), epoch(now));
  } else if (paid_with == "credit" && !paid[3].is_null()) {
    auto notice = std::chrono::duration_cast<std::chrono::minutes>(b.lesson_start - now);
    if (policy.refund_percent_for(notice) < 100) return;
    tx.exec_params("INSERT INTO credit_ledger (student_id, delta, reason, booking_id) "
                   "VALUES ($1::uuid, 1, 'booking_cancelled', $2::uuid) ON CONFLICT DO NOTHING",
                   paid[3].as<std::string>(), b.id.value);
  }
}

}  // namespace

std::optional<domain::booking> cancel_in(pqxx::work& tx, const domain::booking_id& id, sys_seconds now,
                                         const std::string& reason, const domain::cancellation_policy* policy) {
  auto rows = tx.exec_params(
      "UPDATE bookings SET status = 'cancelled', cancelled_at = to_timestamp($2), cancel_reason = $3, "
      "invite_sequence = invite_sequence + 1, updated_at = now() WHERE id = $1::uuid AND status IN ('held', 'confirmed') "
      "RETURNING " + booking_columns + ", confirmed_at IS NOT NULL",
      id.value, epoch(now), reason);
  if (rows.empty()) return std::nullopt;
  auto cancelled = to_booking(rows[0]);
  if (rows[0][booking_column_count].as<bool>()) {
    enqueue_booking_change_in(tx, id.value);
    if (policy) enqueue_cancellation_refund_in(tx, cancelled, *policy, now);
  }
  enqueue_session_expiry_in(tx, id.value);
  return cancelled;
}

namespace {

void prepare_statements(connection& conn) {
  prepare(conn, "insert_hold",
          "INSERT INTO bookings (tutor_id, student_ref, lesson, blocked, status, hold_expires_at, "
          "product_id, price_cents) VALUES ($1, $2, tstzrange(to_timestamp($3), to_timestamp($4)), "
          "tstzrange(to_timestamp($5), to_timestamp($6)), 'held', to_timestamp($7), $8, $9) "
          "ON CONFLICT DO NOTHING RETURNING " + booking_columns);
  prepare(conn, "own_hold",
          "SELECT " + booking_columns + " FROM bookings WHERE tutor_id = $1 AND student_ref = $2 AND status = 'held' "
          "AND lesson = tstzrange(to_timestamp($3), to_timestamp($4)) AND hold_expires_at > now()");
  prepare(conn, "lock_booking", "SELECT " + booking_columns + " FROM bookings WHERE id = $1::uuid FOR UPDATE");
  prepare(conn, "release_hold_for_reschedule",
          "UPDATE bookings SET status = 'cancelled', cancelled_at = to_timestamp($2), cancel_reason = 'rescheduled', "
          "updated_at = now() WHERE id = $1::uuid");
  prepare(conn, "move_booking",
          "UPDATE bookings SET lesson = tstzrange(to_timestamp($2), to_timestamp($3)), "
          "blocked = tstzrange(to_timestamp($4), to_timestamp($5)), invite_sequence = invite_sequence + 1, "
          "updated_at = now() "
          "WHERE id = $1::uuid RETURNING " + booking_columns);
  prepare(conn, "set_calendar_event",
          "UPDATE bookings SET calendar_event_id = $2, updated_at = now() WHERE id = $1::uuid");
  prepare(conn, "expire_holds",
          "UPDATE bookings SET status = 'expired', updated_at = now() "
          "WHERE status = 'held' AND hold_expires_at <= to_timestamp($1) RETURNING " + booking_columns);
  prepare(conn, "active_bookings",
          "SELECT " + booking_columns + " FROM bookings WHERE tutor_id = $1 "
          "AND status IN ('held', 'confirmed') AND upper(blocked) > to_timestamp($2) ORDER BY lower(lesson)");
  prepare(conn, "find_booking", "SELECT " + booking_columns + " FROM bookings WHERE id = $1::uuid");
  prepare(conn, "list_bookings",
          "SELECT " + booking_columns + " FROM bookings WHERE ($1::text IS NULL OR tutor_id = $1) "
          "AND lower(lesson) >= to_timestamp($2) AND lower(lesson) < to_timestamp($3) "
          "ORDER BY lower(lesson), tutor_id");
}

std::optional<domain::booking> find_in(pqxx::work& tx, const domain::booking_id& id) {
  auto rows = tx.exec_prepared("find_booking", id.value);
  if (rows.empty()) return std::nullopt;
  return to_booking(rows[0]);
}

}  // namespace

// ON CONFLICT DO NOTHING rather than catching 23P01: two plain INSERTs of overlapping
// holds each wait on the other's uncommitted row and PostgreSQL breaks the tie as a deadlock
// (40P01) only after deadlock_timeout; speculative insertion answers at once. The only
// conflicts a hold can meet are the exclusion constraint's, so no row means slot taken.
hold_result insert_hold(connection& conn, const new_hold& h, const std::optional<conversation_fence>& fence) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> hold_result {
    check_fence_in(tx, fence);
    auto rows = tx.exec_prepared("insert_hold", h.tutor.value, h.student_ref, epoch(h.lesson_start),
                                 epoch(h.lesson_end), epoch(h.blocked_start), epoch(h.blocked_end),
                                 epoch(h.expires_at), h.product_id, h.price.value);
    if (!rows.empty()) return to_booking(rows[0]);
    auto own = tx.exec_prepared("own_hold", h.tutor.value, h.student_ref, epoch(h.lesson_start), epoch(h.lesson_end));
    if (!own.empty()) return to_booking(own[0]);
    return slot_taken{};
  });
}

transition_result confirm_in(pqxx::work& tx, const domain::booking_id& id, sys_seconds now, const staff_override& by) {
  auto rows = tx.exec_params(
      "UPDATE bookings SET status = 'confirmed', confirmed_at = to_timestamp($2), updated_at = now(), "
      "paid_with = 'staff', confirmed_by = $3, confirm_reason = $4 "
      "WHERE id = $1::uuid AND status = 'held' AND hold_expires_at > to_timestamp($2) RETURNING " + booking_columns,
      id.value, epoch(now), by.staff, by.reason);
  if (!rows.empty()) {
    enqueue_booking_change_in(tx, id.value);
    return to_booking(rows[0]);
  }
  // Unprepared, as everything here: a series confirms its lessons in its own repository's transaction.
  auto found = tx.exec_params("SELECT " + booking_columns + " FROM bookings WHERE id = $1::uuid", id.value);
  if (found.empty()) return not_found{};
  const auto current = to_booking(found[0]);
  if (current.status == domain::booking_status::confirmed) return current;
  if (current.status == domain::booking_status::held) {
    // Expired but not yet swept: settle it now so the slot is free for others at once.
    tx.exec_params("UPDATE bookings SET status = 'expired', updated_at = now() "
                   "WHERE id = $1::uuid AND status = 'held' AND hold_expires_at <= to_timestamp($2)",
                   id.value, epoch(now));
    enqueue_session_expiry_in(tx, id.value);
    return hold_expired{};
  }
  if (current.status == domain::booking_status::expired) return hold_expired{};
  return wrong_status{current.status};
}

transition_result confirm_hold(connection& conn, const domain::booking_id& id, sys_seconds now,
                               const staff_override& by) {
  if (!looks_like_uuid(id.value)) return not_found{};
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) { return confirm_in(tx, id, now, by); });
}

transition_result cancel_booking(connection& conn, const domain::booking_id& id, sys_seconds now,
                                 const std::string& reason, const domain::cancellation_policy* policy,
                                 const std::optional<conversation_fence>& fence) {
  if (!looks_like_uuid(id.value)) return not_found{};
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> transition_result {
    check_fence_in(tx, fence);
    if (auto cancelled = cancel_in(tx, id, now, reason, policy)) return *cancelled;
    auto current = find_in(tx, id);
    if (!current) return not_found{};
    if (current->status == domain::booking_status::cancelled) return *current;
    return wrong_status{current->status};
  });
}

transition_result reschedule_onto_hold(connection& conn, const domain::booking_id& id,
                                       const domain::booking_id& hold, sys_seconds now,
                                       const std::optional<conversation_fence>& fence) {
  if (!looks_like_uuid(id.value) || !looks_like_uuid(hold.value) || id.value == hold.value) return not_found{};
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> transition_result {
    check_fence_in(tx, fence);
    auto booking_rows = tx.exec_prepared("lock_booking", id.value);
    auto hold_rows = tx.exec_prepared("lock_booking", hold.value);
    if (booking_rows.empty() || hold_rows.empty()) return not_found{};
    auto booking = to_booking(booking_rows[0]);
    auto held = to_booking(hold_rows[0]);
    if (booking.status != domain::booking_status::confirmed) return wrong_status{booking.status};
    if (held.status == domain::booking_status::expired ||
        (held.status == domain::booking_status::held && held.hold_expires_at && *held.hold_expires_at <= now))
      return hold_expired{};
    if (held.status != domain::booking_status::held) return wrong_status{held.status};
    if (held.tutor != booking.tutor) return different_tutor{};
    // The hold gives up its period first; the booking's move is checked by the exclusion
    // constraint against everyone else, and others only see both changes at commit.
    tx.exec_prepared("release_hold_for_reschedule", hold.value, epoch(now));
    auto moved = tx.exec_prepared("move_booking", id.value, epoch(held.lesson_start), epoch(held.lesson_end),
                                  epoch(held.blocked_start), epoch(held.blocked_end));
    enqueue_booking_change_in(tx, id.value);
    return to_booking(moved[0]);
  });
}

void set_calendar_event(connection& conn, const domain::booking_id& id, const std::string& event_id) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) { tx.exec_prepared("set_calendar_event", id.value, event_id); });
}

std::vector<domain::booking> expire_holds(connection& conn, sys_seconds now) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    auto expired = to_bookings(tx.exec_prepared("expire_holds", epoch(now)));
    for (const auto& b : expired) enqueue_session_expiry_in(tx, b.id.value);
    return expired;
  });
}

std::vector<domain::booking> active_bookings(connection& conn, const domain::tutor_id& tutor, sys_seconds from) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    return to_bookings(tx.exec_prepared("active_bookings", tutor.value, epoch(from)));
  });
}

std::optional<domain::booking> find_booking(connection& conn, const domain::booking_id& id) {
  if (!looks_like_uuid(id.value)) return std::nullopt;
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) { return find_in(tx, id); });
}

std::vector<domain::booking> list_bookings(connection& conn, const std::optional<domain::tutor_id>& tutor,
                                           sys_seconds from, sys_seconds to) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    const char* tutor_param = tutor ? tutor->value.c_str() : nullptr;
    return to_bookings(tx.exec_prepared("list_bookings", tutor_param, epoch(from), epoch(to)));
  });
}

}  // namespace tutorbot::db
