#include "db/credit.hpp"

#include "db/fence_tx.hpp"
#include "db/outbox_tx.hpp"
#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

using std::chrono::sys_seconds;

namespace {

void prepare_statements(connection& conn) {
  prepare(conn, "ensure_student",
          "INSERT INTO students (external_ref, email) VALUES ($1, nullif($2, '')) ON CONFLICT (external_ref) "
          "DO UPDATE SET email = coalesce(nullif(EXCLUDED.email, ''), students.email), updated_at = now() RETURNING id::text");
  prepare(conn, "credit_balance", "SELECT coalesce(sum(delta), 0) FROM credit_ledger WHERE student_id = $1::uuid");
  prepare(conn, "credit_balance_of",
          "SELECT coalesce(sum(l.delta), 0) FROM credit_ledger l JOIN students s ON s.id = l.student_id "
          "WHERE s.external_ref = $1");
  prepare(conn, "confirm_free_booking",
          "UPDATE bookings SET status = 'confirmed', confirmed_at = to_timestamp($2), paid_with = $3, "
          "is_trial = ($3 = 'trial'), student_id = $4::uuid, updated_at = now() "
          "WHERE id = $1::uuid RETURNING " + booking_columns);
  prepare(conn, "spend_credit",
          "INSERT INTO credit_ledger (student_id, delta, reason, booking_id) VALUES ($1::uuid, -1, 'booking', $2::uuid)");
}

}  // namespace

std::string ensure_student(connection& conn, const std::string& external_ref, const std::string& email) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    return tx.exec_prepared("ensure_student", external_ref, email)[0][0].as<std::string>();
  });
}

long long credit_balance(connection& conn, const std::string& student_id) {
  if (!looks_like_uuid(student_id)) return 0;
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) { return tx.exec_prepared("credit_balance", student_id)[0][0].as<long long>(); });
}

long long credit_balance_of(connection& conn, const std::string& external_ref) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    return tx.exec_prepared("credit_balance_of", external_ref)[0][0].as<long long>();
  });
}

free_confirm_result confirm_without_payment(connection& conn, const domain::booking_id& booking,
                                            const std::string& student_id, free_kind kind, sys_seconds now,
                                            const std::optional<conversation_fence>& fence) {
  if (!looks_like_uuid(booking.value) || !looks_like_uuid(student_id)) return not_found{};
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> free_confirm_result {
    check_fence_in(tx, fence);
    auto rows = tx.exec_params("SELECT " + booking_columns + " FROM bookings WHERE id = $1::uuid FOR UPDATE", booking.value);
    if (rows.empty()) return not_found{};
    auto b = to_booking(rows[0]);
    if (b.status == domain::booking_status::expired ||
        (b.status == domain::booking_status::held && b.hold_expires_at && *b.hold_expires_at <= now))
      return hold_expired{};
    if (b.status != domain::booking_status::held) return wrong_status{b.status};
    // libpqxx 6.4's subtransaction only sends SAVEPOINT for exec(), not exec_prepared():
    // an explicit savepoint keeps the outer transaction usable after a refused step.
    tx.exec("SAVEPOINT confirm_free");
    try {
      auto confirmed = tx.exec_prepared("confirm_free_booking", booking.value, epoch(now),
                                        kind == free_kind::trial ? "trial" : "credit", student_id);
      if (kind == free_kind::credit) tx.exec_prepared("spend_credit", student_id, booking.value);
      tx.exec("RELEASE SAVEPOINT confirm_free");
      enqueue_booking_change_in(tx, booking.value);
      return to_booking(confirmed[0]);
    } catch (const pqxx::unique_violation&) {
      tx.exec("ROLLBACK TO SAVEPOINT confirm_free");
      return trial_already_used{};  // bookings_one_trial_per_student
    } catch (const pqxx::check_violation&) {
      tx.exec("ROLLBACK TO SAVEPOINT confirm_free");
      return no_credit{};  // the ledger's balance trigger
    }
  });
}

}  // namespace tutorbot::db
