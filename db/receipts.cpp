#include "db/receipts.hpp"

#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

std::optional<paid_order> find_paid_order(connection& conn, const std::string& order_id) {
  if (!looks_like_uuid(order_id)) return std::nullopt;
  prepare(conn, "find_paid_order",
          "SELECT o.id::text, o.lines::text, o.total_cents, o.vat_cents, o.locale, extract(epoch FROM o.paid_at)::bigint, "
          "coalesce(nullif(o.customer_email, ''), s.email, ''), "
          // The student's name only when the receipt goes to the student: not to a parent who booked,
          // nor to another address given at checkout.
          "CASE WHEN s.writer = 'parent' THEN '' "
          "WHEN nullif(o.customer_email, '') IS NULL OR o.customer_email = s.email THEN coalesce(s.name, '') ELSE '' END, "
          "o.conversation_id "
          "FROM orders o LEFT JOIN conversations c ON c.chatwoot_conversation_id = o.conversation_id "
          "LEFT JOIN students s ON s.id = coalesce(o.student_id, c.student_id) "
          "WHERE o.id = $1::uuid AND o.paid_at IS NOT NULL");
  return transact(conn, [&](pqxx::work& tx) -> std::optional<paid_order> {
    auto rows = tx.exec_prepared("find_paid_order", order_id);
    if (rows.empty()) return std::nullopt;
    const auto& r = rows[0];
    paid_order o;
    o.id = r[0].as<std::string>();
    o.lines_json = r[1].as<std::string>();
    o.total = domain::cents{r[2].as<long long>()};
    o.vat = domain::cents{r[3].as<long long>()};
    o.locale = r[4].as<std::string>();
    o.paid_at = seconds_at(r[5]);
    o.email = r[6].as<std::string>();
    o.name = r[7].as<std::string>();
    if (!r[8].is_null()) o.conversation_id = r[8].as<long long>();
    return o;
  });
}

}  // namespace tutorbot::db
