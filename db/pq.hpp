#pragma once
// Internal to db/: the libpqxx side of db::connection, and the retry rule for transactions.
// Only db/*.cpp include this.
#include <pqxx/pqxx>

#include "db/connection.hpp"

namespace tutorbot::db {

// The live libpqxx connection; opens it first (may throw unavailable).
pqxx::connection& raw(connection& conn);

// Prepares a named statement on the current link once; a reconnect prepares it again.
void prepare(connection& conn, const std::string& name, const std::string& sql);

// Runs work(pqxx::work&) in a transaction and commits, retrying what is safe to retry: a
// serialization failure (40001), a deadlock (40P01) and a connection lost before the commit.
// A commit whose outcome is unknown (in_doubt_error) is never retried.
template <class Work>
auto transact(connection& conn, Work&& work, int attempts = 3) {
  for (int attempt = 1;; ++attempt) {
    try {
      pqxx::work tx(raw(conn));
      if constexpr (std::is_void_v<decltype(work(tx))>) {
        work(tx);
        tx.commit();
        return;
      } else {
        auto result = work(tx);
        tx.commit();
        return result;
      }
    } catch (const pqxx::in_doubt_error&) {
      conn.mark_broken();
      throw;
    } catch (const pqxx::broken_connection&) {
      conn.mark_broken();
      if (attempt >= attempts) throw unavailable("the database connection was lost");
    } catch (const pqxx::serialization_failure&) {
      if (attempt >= attempts) throw;
    } catch (const pqxx::deadlock_detected&) {
      if (attempt >= attempts) throw;
    }
  }
}

}  // namespace tutorbot::db
