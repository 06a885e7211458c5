#include "db/outbox.hpp"

#include "db/outbox_tx.hpp"
#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

namespace {

void prepare_statements(connection& conn) {
  prepare(conn, "outbox_lease",
          "UPDATE outbox SET leased_until = to_timestamp($1) + make_interval(secs => $3), attempts = attempts + 1, "
          "leased_by_pid = pg_backend_pid(), "
          "leased_by_start = (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()) "
          "WHERE id IN (SELECT id FROM outbox WHERE done_at IS NULL AND gave_up_at IS NULL "
          "AND date_trunc('second', due_at) <= to_timestamp($1) AND (leased_until IS NULL OR leased_until <= to_timestamp($1) "
          "OR NOT lease_holder_alive(leased_by_pid, leased_by_start)) "
          "AND (ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM outbox earlier WHERE earlier.ordering_key = "
          "outbox.ordering_key AND earlier.id < outbox.id AND earlier.done_at IS NULL AND earlier.gave_up_at IS NULL)) "
          "ORDER BY due_at, id LIMIT $2 FOR UPDATE SKIP LOCKED) "
          "RETURNING id, kind, idempotency_key, payload::text, attempts, extract(epoch FROM created_at)::bigint");
  prepare(conn, "outbox_done", "UPDATE outbox SET done_at = now(), leased_until = NULL, leased_by_pid = NULL WHERE id = $1");
  prepare(conn, "outbox_retry",
          "UPDATE outbox SET last_error = $2, due_at = to_timestamp($3), leased_until = NULL, leased_by_pid = NULL "
          "WHERE id = $1");
  prepare(conn, "outbox_give_up",
          "UPDATE outbox SET last_error = $2, gave_up_at = now(), leased_until = NULL, leased_by_pid = NULL "
          "WHERE id = $1");
  prepare(conn, "outbox_counts",
          "SELECT count(*) FILTER (WHERE done_at IS NULL AND gave_up_at IS NULL), "
          "count(*) FILTER (WHERE done_at IS NOT NULL), count(*) FILTER (WHERE gave_up_at IS NOT NULL) FROM outbox");
  prepare(conn, "outbox_find",
          "SELECT id, kind, idempotency_key, payload::text, attempts, coalesce(last_error, ''), "
          "done_at IS NOT NULL, gave_up_at IS NOT NULL FROM outbox WHERE kind = $1 AND payload ->> $2 = $3 ORDER BY id");
}

}  // namespace

bool enqueue_in(pqxx::work& tx, const std::string& kind, const std::string& idempotency_key,
                const std::string& payload, long long due_epoch) {
  return !tx.exec_params("INSERT INTO outbox (kind, idempotency_key, payload, due_at) "
                         "VALUES ($1, $2, $3::jsonb, to_timestamp($4)) "
                         "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
                         kind, idempotency_key, payload, due_epoch)
              .empty();
}

void enqueue_calendar_sync_in(pqxx::work& tx, const std::string& booking_id) {
  // The booking id is a uuid; nothing in it needs escaping inside the JSON string.
  tx.exec_params("INSERT INTO outbox (kind, idempotency_key, payload) "
                 "VALUES ($1, 'calendar-sync:' || $2 || ':' || gen_random_uuid(), json_build_object('booking_id', $2::text))",
                 std::string(outbox_kind::calendar_sync), booking_id);
}

void enqueue_session_expiry_in(pqxx::work& tx, const std::string& booking_id) {
  tx.exec_params("INSERT INTO outbox (kind, idempotency_key, payload) "
                 "SELECT $2, 'expire-session:' || o.id, "
                 "json_build_object('order_id', o.id, 'session_id', o.stripe_checkout_session_id) "
                 "FROM orders o JOIN bookings b ON b.order_id = o.id "
                 "WHERE b.id = $1::uuid AND o.status = 'open' AND o.stripe_checkout_session_id IS NOT NULL "
                 "ON CONFLICT (idempotency_key) DO NOTHING",
                 booking_id, std::string(outbox_kind::stripe_expire_session));
}

bool enqueue(connection& conn, const std::string& kind, const std::string& idempotency_key,
             const std::string& payload, std::chrono::sys_seconds due_at) {
  return transact(conn, [&](pqxx::work& tx) { return enqueue_in(tx, kind, idempotency_key, payload, epoch(due_at)); });
}

std::vector<outbox_item> lease_due(connection& conn, std::chrono::sys_seconds now, int limit,
                                   std::chrono::seconds lease) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<outbox_item> out;
    for (const auto& r : tx.exec_prepared("outbox_lease", epoch(now), limit, static_cast<double>(lease.count()))) {
      out.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<int>(), std::chrono::sys_seconds{std::chrono::seconds{r[5].as<long long>()}}});
    }
    return out;
  });
}

void mark_done(connection& conn, long long id) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) { tx.exec_prepared("outbox_done", id); });
}

void schedule_retry(connection& conn, long long id, const std::string& error, std::chrono::sys_seconds retry_at) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) { tx.exec_prepared("outbox_retry", id, error, epoch(retry_at)); });
}

void give_up(connection& conn, long long id, const std::string& error) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) { tx.exec_prepared("outbox_give_up", id, error); });
}

outbox_counts count_outbox(connection& conn) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    auto r = tx.exec_prepared("outbox_counts")[0];
    return outbox_counts{r[0].as<long long>(), r[1].as<long long>(), r[2].as<long long>()};
  });
}

std::vector<outbox_row> find_outbox(connection& conn, const std::string& kind, const std::string& key,
                                    const std::string& value) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<outbox_row> out;
    for (const auto& r : tx.exec_prepared("outbox_find", kind, key, value)) {
      out.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<int>(), r[5].as<std::string>(), r[6].as<bool>(), r[7].as<bool>()});
    }
    return out;
  });
}

}  // namespace tutorbot::db
