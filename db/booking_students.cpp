#include "db/booking_students.hpp"

#include "db/outbox.hpp"
#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

std::optional<booking_with_student> find_booking_with_student(connection& conn, const domain::booking_id& id) {
  if (!looks_like_uuid(id.value)) return std::nullopt;
  // Qualified: students and conversations have columns of the same names as bookings.
  prepare(conn, "find_booking_with_student",
          "SELECT " + qualified_booking_columns("b") + ", coalesce(s.name, ''), coalesce(s.email, ''), "
          "coalesce(s.level, ''), coalesce(s.subject, ''), coalesce(s.locale, 'nl'), b.confirmed_at IS NOT NULL, "
          // The refund the cancellation queued (keyed by cancellation_refund_key_prefix), or its credit.
          "(SELECT (r.payload->>'amount_cents')::bigint FROM outbox r WHERE r.idempotency_key = $2 || b.id::text), "
          "EXISTS (SELECT 1 FROM credit_ledger l WHERE l.booking_id = b.id AND l.reason = 'booking_cancelled'), "
          "coalesce(s.writer = 'parent', false), coalesce(s.own_email, '') "
          "FROM bookings b LEFT JOIN conversations c "
          "ON b.student_id IS NULL AND b.student_ref = 'chatwoot:' || c.chatwoot_conversation_id "
          "LEFT JOIN students s ON s.id = coalesce(b.student_id, c.student_id) WHERE b.id = $1::uuid");
  return transact(conn, [&](pqxx::work& tx) -> std::optional<booking_with_student> {
    auto rows = tx.exec_prepared("find_booking_with_student", id.value, std::string{cancellation_refund_key_prefix});
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    constexpr int s = booking_column_count;
    booking_with_student out;
    out.booking = to_booking(r);
    out.student = {r[s].as<std::string>(),
                   r[s + 1].as<std::string>(),
                   r[s + 2].as<std::string>(),
                   r[s + 3].as<std::string>(),
                   r[s + 4].as<std::string>() == "en" ? domain::language::en : domain::language::nl,
                   r[s + 8].as<bool>(),
                   r[s + 9].as<std::string>()};
    out.was_confirmed = r[s + 5].as<bool>();
    if (!r[s + 6].is_null()) out.returned.refund = domain::cents{r[s + 6].as<long long>()};
    out.returned.credit = r[s + 7].as<bool>();
    return out;
  });
}

}  // namespace tutorbot::db
