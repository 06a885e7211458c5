#include "db/outbox.hpp"

#include "db/outbox_tx.hpp"
#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

namespace {

void prepare_statements(connection& conn) {
  prepare(conn, "outbox_lease",
          "UPDATE outbox SET leased_until = now() + make_interval(secs => $1), attempts = attempts + 1, "
          "lease_generation = lease_generation + 1 "
          "WHERE id = (SELECT id FROM outbox WHERE done_at IS NULL AND gave_up_at IS NULL "
          "AND date_trunc('second', due_at) <= now() AND (leased_until IS NULL OR leased_until <= now()) "
          "AND (ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM outbox earlier WHERE earlier.ordering_key = "
          "outbox.ordering_key AND earlier.id < outbox.id AND earlier.done_at IS NULL AND earlier.gave_up_at IS NULL)) "
          "ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
          // floor: a cast alone rounds, and x.5 s and later made the row a second younger than
          // a Chatwoot message written in the same second (whole seconds, rounded down).
          "RETURNING id, lease_generation, kind, idempotency_key, payload::text, attempts, "
          "floor(extract(epoch FROM created_at))::bigint");
  // Each applies only while nobody has leased the row since generation $2 (a lease that ran
  // out but was not taken again is still its holder's).
  const std::string held = " WHERE id = $1 AND lease_generation = $2 AND done_at IS NULL AND gave_up_at IS NULL";
  prepare(conn, "outbox_renew", "UPDATE outbox SET leased_until = now() + make_interval(secs => $3)" + held);
  prepare(conn, "outbox_done", "UPDATE outbox SET done_at = now(), leased_until = NULL" + held);
  prepare(conn, "outbox_retry",
          "UPDATE outbox SET last_error = $3, due_at = now() + make_interval(secs => $4), leased_until = NULL" + held);
  prepare(conn, "outbox_give_up", "UPDATE outbox SET last_error = $3, gave_up_at = now(), leased_until = NULL" + held);
  prepare(conn, "outbox_counts",
          "SELECT count(*) FILTER (WHERE done_at IS NULL AND gave_up_at IS NULL), "
          "count(*) FILTER (WHERE done_at IS NOT NULL), count(*) FILTER (WHERE gave_up_at IS NOT NULL) FROM outbox");
  prepare(conn, "outbox_given_up",
          "SELECT id, kind, payload::text, attempts, coalesce(last_error, ''), "
          "floor(extract(epoch FROM gave_up_at))::bigint FROM outbox WHERE gave_up_at IS NOT NULL "
          "ORDER BY gave_up_at DESC, id DESC LIMIT $1");
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

void enqueue_booking_change_in(pqxx::work& tx, const std::string& booking_id) {
  tx.exec_params("UPDATE bookings SET last_change_at = now() WHERE id = $1::uuid", booking_id);
  // The booking id is a uuid; nothing in it needs escaping inside the JSON string.
  tx.exec_params("INSERT INTO outbox (kind, idempotency_key, payload) "
                 "VALUES ($1, 'calendar-sync:' || $2 || ':' || gen_random_uuid(), json_build_object('booking_id', $2::text))",
                 std::string(outbox_kind::calendar_sync), booking_id);
  tx.exec_params("INSERT INTO outbox (kind, idempotency_key, payload) "
                 "SELECT $2, 'booking-mail:' || id || ':' || invite_sequence, "
                 "json_build_object('booking_id', id, 'sequence', invite_sequence) "
                 "FROM bookings WHERE id = $1::uuid AND confirmed_at IS NOT NULL "
                 "ON CONFLICT (idempotency_key) DO NOTHING",
                 booking_id, std::string(outbox_kind::booking_mail));
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

std::optional<outbox_item> lease_next(connection& conn, std::chrono::seconds lease) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> std::optional<outbox_item> {
    auto rows = tx.exec_prepared("outbox_lease", static_cast<double>(lease.count()));
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    return outbox_item{r[0].as<long long>(), r[1].as<long long>(), r[2].as<std::string>(), r[3].as<std::string>(),
                       r[4].as<std::string>(), r[5].as<int>(),
                       std::chrono::sys_seconds{std::chrono::seconds{r[6].as<long long>()}}};
  });
}

namespace {

template <class... Args>
bool update_held(connection& conn, const char* statement, const outbox_item& item, const Args&... args) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    return tx.exec_prepared(statement, item.id, item.generation, args...).affected_rows() == 1;
  });
}

}  // namespace

bool renew_lease(connection& conn, const outbox_item& item, std::chrono::seconds lease) {
  return update_held(conn, "outbox_renew", item, static_cast<double>(lease.count()));
}

bool mark_done(connection& conn, const outbox_item& item) { return update_held(conn, "outbox_done", item); }

bool schedule_retry(connection& conn, const outbox_item& item, const std::string& error, std::chrono::seconds retry_in) {
  return update_held(conn, "outbox_retry", item, error, static_cast<double>(retry_in.count()));
}

bool give_up(connection& conn, const outbox_item& item, const std::string& error) {
  return update_held(conn, "outbox_give_up", item, error);
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

std::vector<given_up_work> given_up_outbox(connection& conn, int limit) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<given_up_work> out;
    for (const auto& r : tx.exec_prepared("outbox_given_up", limit))
      out.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int>(),
                     r[4].as<std::string>(), std::chrono::sys_seconds{std::chrono::seconds{r[5].as<long long>()}}});
    return out;
  });
}

}  // namespace tutorbot::db
