#include "db/inbox.hpp"

#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

namespace {

void prepare_statements(connection& conn) {
  prepare(conn, "store_webhook",
          "INSERT INTO webhook_inbox (provider, event_id, event_type, payload) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (provider, event_id) DO NOTHING RETURNING id");
  // $2: the moment to judge at, NULL for the database's now().
  prepare(conn, "lease_inbox",
          "UPDATE webhook_inbox SET next_attempt_at = coalesce(to_timestamp($2), now()) + make_interval(secs => $4), "
          "attempts = attempts + 1, leased_by_pid = pg_backend_pid(), "
          "leased_by_start = (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()) "
          "WHERE id IN (SELECT id FROM webhook_inbox WHERE provider = $1 AND processed_at IS NULL "
          "AND parked_at IS NULL AND (date_trunc('second', next_attempt_at) <= coalesce(to_timestamp($2), now()) "
          "OR (leased_by_pid IS NOT NULL AND NOT lease_holder_alive(leased_by_pid, leased_by_start))) "
          "ORDER BY received_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) "
          "RETURNING id, event_id, event_type, payload::text, attempts");
  prepare(conn, "mark_processed",
          "UPDATE webhook_inbox SET processed_at = now(), last_error = NULL, leased_by_pid = NULL WHERE id = $1");
  prepare(conn, "defer_event",
          "UPDATE webhook_inbox SET last_error = $2, "
          "next_attempt_at = coalesce(to_timestamp($4), now()) + make_interval(secs => $3), leased_by_pid = NULL "
          "WHERE id = $1");
  prepare(conn, "park_event",
          "UPDATE webhook_inbox SET parked_at = now(), last_error = $2, leased_by_pid = NULL WHERE id = $1");
  prepare(conn, "parked_events",
          "SELECT provider, event_id, event_type, attempts, coalesce(last_error, ''), "
          "extract(epoch FROM received_at)::bigint, extract(epoch FROM parked_at)::bigint "
          "FROM webhook_inbox WHERE parked_at IS NOT NULL AND processed_at IS NULL ORDER BY parked_at, id");
  prepare(conn, "count_inbox",
          "SELECT count(*) FILTER (WHERE processed_at IS NOT NULL), count(*) FILTER (WHERE processed_at IS NULL AND parked_at IS NULL), "
          "count(*) FILTER (WHERE processed_at IS NULL AND parked_at IS NOT NULL) FROM webhook_inbox WHERE provider = $1");
}

}  // namespace

bool store_webhook(connection& conn, const std::string& provider, const std::string& event_id,
                   const std::string& event_type, const std::string& payload) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    return !tx.exec_prepared("store_webhook", provider, event_id, event_type, payload).empty();
  });
}

namespace {

std::optional<long long> epoch_of(std::optional<std::chrono::sys_seconds> t) {
  if (!t) return std::nullopt;
  return epoch(*t);
}

}  // namespace

std::vector<inbox_event> lease_inbox(connection& conn, const std::string& provider, int limit,
                                     std::chrono::seconds lease, std::optional<std::chrono::sys_seconds> as_of) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<inbox_event> out;
    for (const auto& r :
         tx.exec_prepared("lease_inbox", provider, epoch_of(as_of), limit, static_cast<double>(lease.count()))) {
      out.push_back({r[0].as<long long>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                     r[4].as<int>()});
    }
    return out;
  });
}

void mark_processed(connection& conn, long long id) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) { tx.exec_prepared("mark_processed", id); });
}

void defer_event(connection& conn, long long id, const std::string& reason, std::chrono::seconds retry_in,
                 std::optional<std::chrono::sys_seconds> as_of) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) {
    tx.exec_prepared("defer_event", id, reason, static_cast<double>(retry_in.count()), epoch_of(as_of));
  });
}

void park_event(connection& conn, long long id, const std::string& reason) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) { tx.exec_prepared("park_event", id, reason); });
}

std::vector<parked_event> parked_events(connection& conn) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<parked_event> out;
    for (const auto& r : tx.exec_prepared("parked_events")) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<int>(),
                     r[4].as<std::string>(), std::chrono::sys_seconds{std::chrono::seconds{r[5].as<long long>()}},
                     std::chrono::sys_seconds{std::chrono::seconds{r[6].as<long long>()}}});
    }
    return out;
  });
}

inbox_counts count_inbox(connection& conn, const std::string& provider) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    auto r = tx.exec_prepared("count_inbox", provider)[0];
    return inbox_counts{r[0].as<long long>(), r[1].as<long long>(), r[2].as<long long>()};
  });
}

}  // namespace tutorbot::db
