#include "db/series.hpp"


#include "db/bookings_tx.hpp"
#include "db/fence_tx.hpp"
#include "db/outbox_tx.hpp"
#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

using std::chrono::sys_seconds;

namespace {

// Thrown inside the transaction to roll every hold of the series back.
struct lesson_taken_error {
  sys_seconds lesson_start;
};

const std::string series_columns =
    "id::text, tutor_id, student_ref, extract(epoch FROM first_start)::bigint, duration_minutes, interval_weeks, "
    "rrule, on_clash, clashes::text";

void prepare_statements(connection& conn) {
  prepare(conn, "insert_series",
          "INSERT INTO series (tutor_id, student_ref, first_start, duration_minutes, interval_weeks, rrule, asked_rule, "
          "on_clash, clashes) VALUES ($1, $2, to_timestamp($3), $4, $5, $6, $7, $8, $9::jsonb) RETURNING id::text");
  prepare(conn, "own_series",
          "SELECT s.id::text FROM series s WHERE s.tutor_id = $1 AND s.student_ref = $2 AND s.first_start = to_timestamp($3) "
          "AND s.duration_minutes = $4 AND s.asked_rule = $5 AND s.on_clash = $6 AND EXISTS (SELECT 1 FROM bookings b "
          "WHERE b.series_id = s.id AND b.status = 'held' AND b.hold_expires_at > now())");
  // ON CONFLICT DO NOTHING, as for a single hold: a lesson another transaction is holding
  // right now is waited for, then found taken, instead of ending in a deadlock.
  prepare(conn, "insert_series_hold",
          "INSERT INTO bookings (tutor_id, student_ref, lesson, blocked, status, hold_expires_at, product_id, "
          "price_cents, series_id) VALUES ($1, $2, tstzrange(to_timestamp($3), to_timestamp($4)), "
          "tstzrange(to_timestamp($5), to_timestamp($6)), 'held', to_timestamp($7), $8, $9, $10::uuid) "
          "ON CONFLICT DO NOTHING RETURNING " + booking_columns);
  prepare(conn, "find_series", "SELECT " + series_columns + " FROM series WHERE id = $1::uuid");
  prepare(conn, "series_bookings",
          "SELECT " + booking_columns + " FROM bookings WHERE series_id = $1::uuid ORDER BY lower(lesson)");
  prepare(conn, "lock_series_holds",
          "SELECT id::text, hold_expires_at <= to_timestamp($2) FROM bookings WHERE series_id = $1::uuid "
          "AND status = 'held' ORDER BY lower(lesson) FOR UPDATE");
  prepare(conn, "series_swept",
          "SELECT coalesce(bool_or(status = 'expired') AND NOT bool_or(status = 'confirmed'), false) FROM bookings "
          "WHERE series_id = $1::uuid");
  prepare(conn, "expire_series_hold",
          "UPDATE bookings SET status = 'expired', updated_at = now() WHERE id = $1::uuid AND status = 'held'");
  prepare(conn, "lock_series_from",
          "SELECT id::text FROM bookings WHERE series_id = $1::uuid AND status IN ('held', 'confirmed') "
          "AND lower(lesson) >= to_timestamp($2) ORDER BY lower(lesson) FOR UPDATE");
}

std::optional<stored_series> find_in(pqxx::work& tx, const std::string& id) {
  auto rows = tx.exec_prepared("find_series", id);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];
  stored_series s;
  s.id = r[0].as<std::string>();
  s.tutor = domain::tutor_id{r[1].as<std::string>()};
  s.student_ref = r[2].as<std::string>();
  s.first_start = seconds_at(r[3]);
  s.duration_minutes = r[4].as<int>();
  s.interval_weeks = r[5].as<int>();
  s.rrule = r[6].as<std::string>();
  s.on_clash = r[7].as<std::string>();
  s.clashes = r[8].as<std::string>();
  s.bookings = to_bookings(tx.exec_prepared("series_bookings", id));
  return s;
}

}  // namespace

series_result insert_series(connection& conn, const new_series& series, const std::optional<conversation_fence>& fence) {
  prepare_statements(conn);
  try {
    return transact(conn, [&](pqxx::work& tx) -> series_result {
      check_fence_in(tx, fence);
      auto own = tx.exec_prepared("own_series", series.tutor.value, series.student_ref, epoch(series.first_start),
                                  series.duration_minutes, series.asked_rule, series.on_clash);
      if (!own.empty()) return *find_in(tx, own[0][0].as<std::string>());
      auto id = tx.exec_prepared("insert_series", series.tutor.value, series.student_ref, epoch(series.first_start),
                                 series.duration_minutes, series.interval_weeks, series.rrule, series.asked_rule,
                                 series.on_clash, series.clashes)[0][0]
                    .as<std::string>();
      for (const auto& h : series.holds) {
        auto rows = tx.exec_prepared("insert_series_hold", h.tutor.value, h.student_ref, epoch(h.lesson_start),
                                     epoch(h.lesson_end), epoch(h.blocked_start), epoch(h.blocked_end),
                                     epoch(h.expires_at), h.product_id, h.price.value, id);
        if (rows.empty()) throw lesson_taken_error{h.lesson_start};
      }
      return *find_in(tx, id);
    });
  } catch (const lesson_taken_error& taken) {
    return series_lesson_taken{taken.lesson_start};
  }
}

std::optional<stored_series> find_series(connection& conn, const std::string& id) {
  if (!looks_like_uuid(id)) return std::nullopt;
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) { return find_in(tx, id); });
}

series_confirm_result confirm_series(connection& conn, const std::string& id, sys_seconds now,
                                     const staff_override& by) {
  if (!looks_like_uuid(id)) return not_found{};
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> series_confirm_result {
    if (tx.exec_prepared("find_series", id).empty()) return not_found{};
    auto holds = tx.exec_prepared("lock_series_holds", id, epoch(now));
    bool expired = false;
    for (const auto& row : holds) expired = expired || row[1].as<bool>();
    // Nothing held any more, nothing confirmed and the holds swept away: as late as above.
    if (holds.empty() && tx.exec_prepared("series_swept", id)[0][0].as<bool>()) return hold_expired{};
    if (expired) {
      // All or none: the series' holds end together, so its slots are free for others at once.
      for (const auto& row : holds) {
        tx.exec_prepared("expire_series_hold", row[0].as<std::string>());
        enqueue_session_expiry_in(tx, row[0].as<std::string>());
      }
      return hold_expired{};
    }
    for (const auto& row : holds) confirm_in(tx, domain::booking_id{row[0].as<std::string>()}, now, by);
    return *find_in(tx, id);
  });
}

std::optional<stored_series> cancel_series_from(connection& conn, const std::string& id, sys_seconds from,
                                                sys_seconds now, const std::string& reason,
                                                const domain::cancellation_policy* policy) {
  if (!looks_like_uuid(id)) return std::nullopt;
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> std::optional<stored_series> {
    if (tx.exec_prepared("find_series", id).empty()) return std::nullopt;
    for (const auto& row : tx.exec_prepared("lock_series_from", id, epoch(from)))
      cancel_in(tx, domain::booking_id{row[0].as<std::string>()}, now, reason, policy);
    return find_in(tx, id);
  });
}

}  // namespace tutorbot::db
