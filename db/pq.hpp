#pragma once
// Internal to db/: the libpqxx side of db::connection, and the retry rule for transactions.
// Only db/*.cpp include this.
#include <optional>

#include <pqxx/pqxx>

#include "db/connection.hpp"
#include "db/socket_deadline.hpp"

namespace tutorbot::db {

// The live libpqxx connection; opens it first (may throw unavailable).
pqxx::connection& raw(connection& conn);

// Prepares a named statement on the current link once; a reconnect prepares it again.
void prepare(connection& conn, const std::string& name, const std::string& sql);

// Runs work(pqxx::work&) in a transaction and commits, retrying what is safe to retry: a
// serialization failure (40001), a deadlock (40P01) and a connection lost before the commit.
// A commit whose outcome is unknown (in_doubt_error) is never retried.
//
// Every answer of an attempt is awaited at most conn.answer_timeout(): a server that stopped
// answering costs one timeout, then the connection is dropped (and not retried at once: the
// caller hears unavailable).
template <class Work>
auto transact(connection& conn, Work&& work, int attempts = 3) {
  for (int attempt = 1;; ++attempt) {
    // Outlives the transaction object, whose rollback also talks to the server; disarmed
    // before the link is dropped, so it never touches a descriptor that was closed.
    std::optional<socket_deadline> answer_by;
    auto overdue = [&] {
      bool expired = answer_by && answer_by->expired();
      answer_by.reset();
      return expired;
    };
    try {
      auto& link = raw(conn);
      answer_by.emplace(link.sock(), std::chrono::steady_clock::now() + conn.answer_timeout());
      pqxx::work tx(link);
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
      overdue();
      conn.mark_broken();
      throw;
    } catch (const pqxx::broken_connection&) {
      bool expired = overdue();
      conn.mark_broken();
      if (expired) {
        throw unavailable("the database did not answer within " + std::to_string(conn.answer_timeout().count()) +
                          " ms; the connection is dropped");
      }
      if (attempt >= attempts) throw unavailable("the database connection was lost");
    } catch (const pqxx::serialization_failure&) {
      if (attempt >= attempts) throw;
    } catch (const pqxx::deadlock_detected&) {
      if (attempt >= attempts) throw;
    }
  }
}

}  // namespace tutorbot::db
