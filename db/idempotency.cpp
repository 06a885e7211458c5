#include "db/idempotency.hpp"

#include "db/pq.hpp"

namespace tutorbot::db {

namespace {

void prepare_statements(connection& conn) {
  prepare(conn, "prune_idempotency_keys",
          "DELETE FROM api_idempotency WHERE key IN (SELECT key FROM api_idempotency "
          "WHERE started_at < now() - interval '24 hours' ORDER BY started_at LIMIT 100)");
  prepare(conn, "insert_idempotency_key",
          "INSERT INTO api_idempotency (key, fingerprint) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING 1");
  prepare(conn, "idempotency_key",
          "SELECT fingerprint, status, coalesce(content_type, ''), coalesce(body, ''), "
          "started_at < now() - make_interval(secs => $2) FROM api_idempotency WHERE key = $1 FOR UPDATE");
  prepare(conn, "restart_idempotency_key", "UPDATE api_idempotency SET started_at = now() WHERE key = $1");
  prepare(conn, "record_idempotent_reply",
          "UPDATE api_idempotency SET status = $2, content_type = $3, body = $4, completed_at = now() "
          "WHERE key = $1 AND status IS NULL");
  prepare(conn, "forget_idempotency_key", "DELETE FROM api_idempotency WHERE key = $1 AND status IS NULL");
}

}  // namespace

idempotency_claim claim_idempotency_key(connection& conn, const std::string& key, const std::string& fingerprint,
                                        std::chrono::seconds in_flight_limit) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> idempotency_claim {
    tx.exec_prepared("prune_idempotency_keys");
    if (!tx.exec_prepared("insert_idempotency_key", key, fingerprint).empty()) return first_use{};
    auto rows = tx.exec_prepared("idempotency_key", key, static_cast<double>(in_flight_limit.count()));
    if (rows.empty()) return key_in_use{};  // pruned or forgotten just now: the client may try again
    const auto& r = rows[0];
    if (r[0].as<std::string>() != fingerprint) return key_reused_differently{};
    if (!r[1].is_null()) return idempotent_reply{r[1].as<int>(), r[2].as<std::string>(), r[3].as<std::string>()};
    if (r[4].as<bool>()) {
      tx.exec_prepared("restart_idempotency_key", key);
      return first_use{};
    }
    return key_in_use{};
  });
}

void record_idempotent_reply(connection& conn, const std::string& key, const idempotent_reply& reply) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) {
    tx.exec_prepared("record_idempotent_reply", key, reply.status, reply.content_type, reply.body);
  });
}

void forget_idempotency_key(connection& conn, const std::string& key) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) { tx.exec_prepared("forget_idempotency_key", key); });
}

}  // namespace tutorbot::db
