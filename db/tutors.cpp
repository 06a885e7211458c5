#include "db/tutors.hpp"

#include "db/pq.hpp"

namespace tutorbot::db {

void upsert_tutors(connection& conn, const std::vector<domain::tutor_rules>& tutors) {
  prepare(conn, "upsert_tutor",
          "INSERT INTO tutors (id, name, calendar_id, email, active, updated_at) "
          "VALUES ($1, $2, $3, $4, true, now()) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, "
          "calendar_id = EXCLUDED.calendar_id, email = EXCLUDED.email, active = true, updated_at = now()");
  transact(conn, [&](pqxx::work& tx) {
    // Everyone inactive, then the configured ones active again: one transaction, so readers
    // never see the gap.
    tx.exec("UPDATE tutors SET active = false WHERE active");
    for (const auto& t : tutors) tx.exec_prepared("upsert_tutor", t.id, t.name, t.calendar_id, t.email);
  });
}

}  // namespace tutorbot::db
