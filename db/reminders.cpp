#include "db/reminders.hpp"

#include "db/outbox.hpp"
#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

using std::chrono::sys_seconds;

namespace {

void prepare_statements(connection& conn) {
  prepare(conn, "unplanned_reminders",
          "SELECT " + qualified_booking_columns("b") + ", extract(epoch FROM coalesce(b.last_change_at, b.confirmed_at))::bigint "
          "FROM bookings b WHERE b.status = 'confirmed' AND lower(b.lesson) >= to_timestamp($2) "
          "AND lower(b.lesson) < to_timestamp($3) AND NOT EXISTS (SELECT 1 FROM lesson_reminders r "
          "WHERE r.booking_id = b.id AND r.channel = $1 AND r.invite_sequence = b.invite_sequence) "
          "ORDER BY lower(b.lesson) LIMIT $4");
  prepare(conn, "plan_reminder",
          "INSERT INTO lesson_reminders (booking_id, channel, invite_sequence, due_at, dropped_at) "
          "VALUES ($1::uuid, $2, $3, to_timestamp($4), CASE WHEN $4::bigint IS NULL THEN now() END) "
          "ON CONFLICT DO NOTHING");
  // SKIP LOCKED: instances releasing at once take different rows; each row once.
  prepare(conn, "lock_due_reminders",
          "SELECT r.booking_id::text, r.channel, r.invite_sequence, "
          "(b.status = 'confirmed' AND b.invite_sequence = r.invite_sequence AND lower(b.lesson) > to_timestamp($1)) "
          "FROM lesson_reminders r JOIN bookings b ON b.id = r.booking_id "
          "WHERE r.due_at <= to_timestamp($1) AND r.sent_at IS NULL AND r.dropped_at IS NULL "
          "ORDER BY r.due_at LIMIT $2 FOR UPDATE OF r SKIP LOCKED");
  // Due at once (the outbox's default, PostgreSQL's now()).
  prepare(conn, "queue_reminder",
          "INSERT INTO outbox (kind, idempotency_key, payload) "
          "VALUES ($1, $2, json_build_object('booking_id', $3::text, 'sequence', $4::int)) ON CONFLICT (idempotency_key) DO NOTHING");
  prepare(conn, "next_reminder_due",
          "SELECT extract(epoch FROM min(due_at))::bigint FROM lesson_reminders WHERE sent_at IS NULL AND dropped_at IS NULL");
  prepare(conn, "mark_reminder",
          "UPDATE lesson_reminders SET sent_at = CASE WHEN $4 THEN now() END, dropped_at = CASE WHEN $4 THEN NULL ELSE now() END "
          "WHERE booking_id = $1::uuid AND channel = $2 AND invite_sequence = $3");
}

std::optional<reminder_channel> parse_channel(std::string_view text) {
  if (text == "whatsapp") return reminder_channel::whatsapp;
  if (text == "email") return reminder_channel::email;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(reminder_channel c) { return c == reminder_channel::email ? "email" : "whatsapp"; }

std::vector<unplanned_reminder> unplanned_reminders(connection& conn, reminder_channel channel, sys_seconds from,
                                                    sys_seconds to, int limit) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<unplanned_reminder> out;
    for (const auto& r : tx.exec_prepared("unplanned_reminders", std::string{to_string(channel)}, epoch(from), epoch(to), limit))
      out.push_back({to_booking(r), seconds_at(r[booking_column_count])});
    return out;
  });
}

void plan_reminder(connection& conn, const domain::booking_id& booking, int sequence, reminder_channel channel,
                   std::optional<sys_seconds> due) {
  prepare_statements(conn);
  const auto due_epoch = due ? std::optional<long long>(epoch(*due)) : std::nullopt;
  transact(conn, [&](pqxx::work& tx) {
    tx.exec_prepared("plan_reminder", booking.value, std::string{to_string(channel)}, sequence, due_epoch);
  });
}

std::vector<released_reminder> release_due_reminders(connection& conn, sys_seconds now, int limit) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<released_reminder> out;
    for (const auto& r : tx.exec_prepared("lock_due_reminders", epoch(now), limit)) {
      const auto booking = r[0].as<std::string>();
      const auto channel = parse_channel(r[1].as<std::string>()).value_or(reminder_channel::whatsapp);
      const int sequence = r[2].as<int>();
      const bool still_due = r[3].as<bool>();
      tx.exec_prepared("mark_reminder", booking, r[1].as<std::string>(), sequence, still_due);
      if (!still_due) continue;
      const std::string kind = channel == reminder_channel::email ? outbox_kind::email_reminder : outbox_kind::whatsapp_reminder;
      tx.exec_prepared("queue_reminder", kind, "reminder:" + booking + ":" + r[1].as<std::string>() + ":" + std::to_string(sequence),
                       booking, sequence);
      out.push_back({booking, channel, sequence});
    }
    return out;
  });
}

std::optional<sys_seconds> next_reminder_due(connection& conn) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> std::optional<sys_seconds> {
    const auto row = tx.exec_prepared1("next_reminder_due");
    if (row[0].is_null()) return std::nullopt;
    return seconds_at(row[0]);
  });
}

}  // namespace tutorbot::db
