#include "db/conversations.hpp"

#include <optional>

#include "db/fence_tx.hpp"
#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

namespace {

void prepare_statements(connection& conn) {
  prepare(conn, "store_conversation_event",
          "INSERT INTO conversation_events (conversation_id, account_id, dedupe_key, kind, payload) "
          "VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id");
  prepare(conn, "conversations_with_pending_events",
          "SELECT conversation_id FROM conversation_events WHERE processed_at IS NULL AND parked_at IS NULL "
          "AND next_attempt_at <= now() GROUP BY conversation_id ORDER BY min(id) LIMIT $1");
  // The oldest pending event: events of a conversation are processed in order, so one that
  // waits for its next attempt holds the later ones back until it is parked.
  prepare(conn, "first_pending_event",
          "SELECT id, conversation_id, kind, payload::text, attempts, next_attempt_at <= now(), account_id "
          "FROM conversation_events WHERE conversation_id = $1 AND processed_at IS NULL AND parked_at IS NULL "
          "ORDER BY id LIMIT 1");
  prepare(conn, "ensure_conversation_row",
          "INSERT INTO conversations (chatwoot_conversation_id, chatwoot_account_id) VALUES ($1, $2) "
          "ON CONFLICT (chatwoot_conversation_id) DO NOTHING");
  prepare(conn, "claim_conversation",
          "UPDATE conversations SET lease_holder = $2, leased_until = now() + make_interval(secs => $3), "
          "lease_generation = lease_generation + 1 WHERE chatwoot_conversation_id = $1 "
          "AND (leased_until IS NULL OR leased_until <= now()) RETURNING lease_generation");
  prepare(conn, "renew_claim",
          "UPDATE conversations SET leased_until = now() + make_interval(secs => $3) "
          "WHERE chatwoot_conversation_id = $1 AND lease_generation = $2");
  prepare(conn, "release_claim",
          "UPDATE conversations SET leased_until = NULL, lease_holder = NULL "
          "WHERE chatwoot_conversation_id = $1 AND lease_generation = $2");
  prepare(conn, "insert_student", "INSERT INTO students DEFAULT VALUES RETURNING id::text");
  prepare(conn, "link_student",
          "UPDATE conversations SET student_id = $2::uuid WHERE chatwoot_conversation_id = $1");
  prepare(conn, "update_student",
          "UPDATE students SET name = coalesce(nullif($2, ''), name), email = coalesce(nullif($3, ''), email), "
          "level = coalesce(nullif($4, ''), level), subject = coalesce(nullif($5, ''), subject), locale = $6, "
          // A known writer decides the second address: a student who writes has none.
          "writer = coalesce(nullif($7, ''), writer), "
          "own_email = CASE WHEN $7 = '' THEN own_email WHEN $7 = 'parent' THEN $8 ELSE '' END, "
          "updated_at = now() WHERE id = $1::uuid");
  prepare(conn, "ensure_student_by_contact",
          "INSERT INTO students (chatwoot_contact_id) VALUES ($1) ON CONFLICT (chatwoot_contact_id) "
          "DO UPDATE SET updated_at = students.updated_at RETURNING id::text");
  prepare(conn, "ensure_conversation",
          "INSERT INTO conversations (chatwoot_conversation_id, chatwoot_account_id, student_id, contact_id) "
          "VALUES ($1, $2, $3::uuid, $4) ON CONFLICT (chatwoot_conversation_id) DO UPDATE SET "
          "student_id = coalesce(conversations.student_id, EXCLUDED.student_id), "
          "contact_id = coalesce(conversations.contact_id, EXCLUDED.contact_id) "
          "RETURNING chatwoot_conversation_id, chatwoot_account_id, state::text, version, student_id::text, "
          "contact_id, extract(epoch FROM last_incoming_at)::bigint, handed_off");
  prepare(conn, "save_step",
          "UPDATE conversations SET state = $3::jsonb, version = version + 1, handed_off = $4, updated_at = now(), "
          "last_incoming_at = CASE WHEN $5 THEN now() ELSE last_incoming_at END, "
          "last_message_id = GREATEST(last_message_id, $6::bigint) "
          "WHERE chatwoot_conversation_id = $1 AND version = $2 AND lease_generation = $7");
  prepare(conn, "student_of_conversation",
          "SELECT student_id::text FROM conversations WHERE chatwoot_conversation_id = $1 AND student_id IS NOT NULL");
  prepare(conn, "last_incoming_at",
          "SELECT extract(epoch FROM last_incoming_at)::bigint FROM conversations WHERE chatwoot_conversation_id = $1");
  prepare(conn, "active_conversations",
          "SELECT chatwoot_conversation_id, chatwoot_account_id, last_message_id FROM conversations "
          "WHERE last_incoming_at >= to_timestamp($1) AND NOT handed_off ORDER BY last_incoming_at DESC LIMIT 500");
  prepare(conn, "mark_conversation_event",
          "UPDATE conversation_events SET processed_at = now(), attempts = attempts + 1 WHERE id = $1");
  prepare(conn, "park_conversation_event",
          "UPDATE conversation_events SET parked_at = now(), attempts = attempts + 1, last_error = $2 WHERE id = $1");
  prepare(conn, "defer_conversation_event",
          "UPDATE conversation_events e SET attempts = attempts + 1, last_error = $2, "
          "next_attempt_at = now() + make_interval(secs => $3) WHERE e.id = $1 AND e.processed_at IS NULL "
          "AND EXISTS (SELECT 1 FROM conversations c WHERE c.chatwoot_conversation_id = e.conversation_id "
          "AND c.lease_generation = $4)");
  prepare(conn, "parked_conversation_events",
          "SELECT conversation_id, id, kind, attempts, coalesce(last_error, ''), extract(epoch FROM parked_at)::bigint "
          "FROM conversation_events WHERE parked_at IS NOT NULL ORDER BY parked_at, id");
  prepare(conn, "enqueue_ordered",
          "INSERT INTO outbox (kind, idempotency_key, payload, ordering_key) VALUES ($1, $2, $3::jsonb, $4)");
  prepare(conn, "student_trial_used",
          "SELECT EXISTS (SELECT 1 FROM bookings WHERE student_id = $1::uuid AND is_trial "
          "AND status IN ('held', 'confirmed'))");
  prepare(conn, "student_credits", "SELECT coalesce(sum(delta), 0) FROM credit_ledger WHERE student_id = $1::uuid");
  prepare(conn, "student_upcoming",
          "SELECT " + booking_columns + ", coalesce((SELECT " + lesson_paid_share_sql("bookings", "o") + " FROM orders o "
          "WHERE o.id = bookings.order_id AND o.status IN ('paid', 'partially_refunded')), 0), coalesce(paid_with, ''), "
          "coalesce(series_id::text, '') FROM bookings WHERE (student_id = $1::uuid OR student_ref = $2) AND status = 'confirmed' "
          "AND lower(lesson) > to_timestamp($3) ORDER BY lower(lesson)");
}

constexpr std::pair<payment_news, std::string_view> payment_news_names[] = {
    {payment_news::payment_succeeded, "payment_succeeded"}, {payment_news::payment_failed, "payment_failed"},
    {payment_news::payment_expired, "payment_expired"},     {payment_news::refund_done, "refund_done"},
    {payment_news::booking_cancelled, "booking_cancelled"}, {payment_news::booking_confirmed, "booking_confirmed"},
};

}  // namespace

std::string_view to_string(payment_news news) {
  for (const auto& [value, name] : payment_news_names)
    if (value == news) return name;
  return "unknown";
}

std::optional<payment_news> parse_payment_news(std::string_view text) {
  for (const auto& [value, name] : payment_news_names)
    if (name == text) return value;
  return std::nullopt;
}

bool store_conversation_event(connection& conn, long long conversation_id, long long account_id,
                              const std::string& dedupe_key, const std::string& kind, const std::string& payload) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    return !tx.exec_prepared("store_conversation_event", conversation_id, account_id, dedupe_key, kind, payload).empty();
  });
}

std::vector<long long> conversations_with_pending_events(connection& conn, int limit) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<long long> out;
    for (const auto& r : tx.exec_prepared("conversations_with_pending_events", limit)) out.push_back(r[0].as<long long>());
    return out;
  });
}

claim_result claim_next_event(connection& conn, long long conversation_id, const std::string& holder,
                              std::chrono::seconds lease) {
  prepare_statements(conn);
  auto first_due = [conversation_id](pqxx::work& tx) -> std::optional<pqxx::row> {
    auto rows = tx.exec_prepared("first_pending_event", conversation_id);
    if (rows.empty() || !rows[0][5].as<bool>()) return std::nullopt;
    return rows[0];
  };
  return transact(conn, [&](pqxx::work& tx) -> claim_result {
    auto seen = first_due(tx);
    if (!seen) return nothing_due{};
    tx.exec_prepared("ensure_conversation_row", conversation_id, (*seen)[6].as<long long>());
    auto claimed = tx.exec_prepared("claim_conversation", conversation_id, holder, static_cast<double>(lease.count()));
    if (claimed.empty()) return claimed_elsewhere{};
    const conversation_fence fence{conversation_id, claimed[0][0].as<long long>()};
    // Read again under the claim. The first read may predate the last holder's save: that
    // holder saved, then let the claim go, and the claim above went through only after the
    // release, so this statement (READ COMMITTED: it sees what was committed before it
    // began) sees the save. Stepping the first read's event would step it twice.
    auto due = first_due(tx);
    if (!due) {
      tx.exec_prepared("release_claim", fence.conversation_id, fence.generation);
      return nothing_due{};
    }
    const auto& r = *due;
    return claimed_event{conversation_event{r[0].as<long long>(), r[1].as<long long>(), r[2].as<std::string>(),
                                            r[3].as<std::string>(), r[4].as<int>()},
                         fence};
  });
}

bool renew_claim(connection& conn, const conversation_fence& fence, std::chrono::seconds lease) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    return tx.exec_prepared("renew_claim", fence.conversation_id, fence.generation, static_cast<double>(lease.count()))
               .affected_rows() == 1;
  });
}

void release_claim(connection& conn, const conversation_fence& fence) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) { tx.exec_prepared("release_claim", fence.conversation_id, fence.generation); });
}

void check_fence_in(pqxx::work& tx, const std::optional<conversation_fence>& fence) {
  if (!fence) return;
  if (tx.exec_params("SELECT 1 FROM conversations WHERE chatwoot_conversation_id = $1 AND lease_generation = $2 FOR SHARE",
                     fence->conversation_id, fence->generation)
          .empty())
    throw fenced_off();
}

conversation_row load_conversation(connection& conn, long long conversation_id, long long account_id,
                                   std::optional<long long> contact_id) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::optional<std::string> student;
    if (contact_id) student = tx.exec_prepared("ensure_student_by_contact", *contact_id)[0][0].as<std::string>();
    const char* student_param = student ? student->c_str() : nullptr;
    std::optional<long long> contact = contact_id;
    auto r = contact ? tx.exec_prepared("ensure_conversation", conversation_id, account_id, student_param, *contact)[0]
                     : tx.exec_prepared("ensure_conversation", conversation_id, account_id, student_param,
                                        static_cast<const char*>(nullptr))[0];
    conversation_row row;
    row.id = r[0].as<long long>();
    row.account_id = r[1].as<long long>();
    row.state_json = r[2].as<std::string>();
    row.version = r[3].as<long long>();
    if (!r[4].is_null()) row.student_id = r[4].as<std::string>();
    if (!r[5].is_null()) row.contact_id = r[5].as<long long>();
    if (!r[6].is_null()) row.last_incoming_at = seconds_at(r[6]);
    row.handed_off = r[7].as<bool>();
    return row;
  });
}

student_facts facts_of(connection& conn, const std::string& student_id, const std::string& student_ref,
                       std::chrono::sys_seconds now) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    student_facts facts;
    if (looks_like_uuid(student_id)) {
      facts.trial_used = tx.exec_prepared("student_trial_used", student_id)[0][0].as<bool>();
      facts.credits = tx.exec_prepared("student_credits", student_id)[0][0].as<int>();
    }
    const char* id_param = looks_like_uuid(student_id) ? student_id.c_str() : nullptr;
    for (const auto& r : tx.exec_prepared("student_upcoming", id_param, student_ref, epoch(now))) {
      auto b = to_booking(r);
      // After the booking's columns: what it cost (a series lesson its share, never more than
      // what is left of its order), how it was paid, and its series.
      facts.paid.emplace_back(b.id.value, r[booking_column_count + 1].as<std::string>() == "stripe" ? r[booking_column_count].as<long long>() : 0);
      facts.series.push_back(r[booking_column_count + 2].as<std::string>());
      facts.upcoming.push_back(std::move(b));
    }
    return facts;
  });
}

namespace {

// A conversation whose contact Chatwoot did not name has no student yet: it gets one here.
void save_student_in(pqxx::work& tx, long long conversation_id, const student_details& s) {
  auto linked = tx.exec_prepared("student_of_conversation", conversation_id);
  std::string student = linked.empty() ? tx.exec_prepared("insert_student")[0][0].as<std::string>()
                                       : linked[0][0].as<std::string>();
  if (linked.empty()) tx.exec_prepared("link_student", conversation_id, student);
  tx.exec_prepared("update_student", student, s.name, s.email, s.level, s.subject, s.locale, s.writer, s.own_email);
}

}  // namespace

bool save_step(connection& conn, const step_save& save) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    const auto message = save.message_id ? std::optional<std::string>(std::to_string(*save.message_id)) : std::nullopt;
    auto updated = tx.exec_prepared("save_step", save.fence.conversation_id, save.expected_version, save.state_json,
                                    save.handed_off, save.incoming, message ? message->c_str() : nullptr,
                                    save.fence.generation);
    if (updated.affected_rows() == 0) return false;
    const std::string conversation = "conversation:" + std::to_string(save.fence.conversation_id);
    for (std::size_t i = 0; i < save.work.size(); ++i) {
      // Unique per step and position: a step is saved once, so its work is written once.
      auto key = conversation + ":" + std::to_string(save.expected_version + 1) + ":" + std::to_string(i);
      const std::string lane = save.work[i].lane == outbox_lane::side_call ? conversation + ":side" : conversation;
      tx.exec_prepared("enqueue_ordered", save.work[i].kind, key, save.work[i].payload, lane);
    }
    if (save.student) save_student_in(tx, save.fence.conversation_id, *save.student);
    if (save.parked_because)
      tx.exec_prepared("park_conversation_event", save.event_id, *save.parked_because);
    else
      tx.exec_prepared("mark_conversation_event", save.event_id);
    return true;
  });
}

std::vector<long long> unknown_conversations(connection& conn, const std::vector<long long>& ids) {
  if (ids.empty()) return {};
  std::string array = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) array += (i ? "," : "") + std::to_string(ids[i]);
  array += "}";
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<long long> out;
    for (const auto& r : tx.exec_params(
             // Qualified: an unqualified id inside the second subquery is conversation_events.id.
             "SELECT wanted.cid FROM unnest($1::bigint[]) AS wanted(cid) WHERE NOT EXISTS (SELECT 1 FROM conversations c "
             "WHERE c.chatwoot_conversation_id = wanted.cid) AND NOT EXISTS (SELECT 1 FROM conversation_events e "
             "WHERE e.conversation_id = wanted.cid) ORDER BY wanted.cid",
             array))
      out.push_back(r[0].as<long long>());
    return out;
  });
}

std::optional<std::string> student_of_conversation(connection& conn, long long conversation_id) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> std::optional<std::string> {
    auto rows = tx.exec_prepared("student_of_conversation", conversation_id);
    if (rows.empty()) return std::nullopt;
    return rows[0][0].as<std::string>();
  });
}

std::optional<std::chrono::sys_seconds> last_incoming_at(connection& conn, long long conversation_id) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> std::optional<std::chrono::sys_seconds> {
    auto rows = tx.exec_prepared("last_incoming_at", conversation_id);
    if (rows.empty() || rows[0][0].is_null()) return std::nullopt;
    return seconds_at(rows[0][0]);
  });
}

std::vector<active_conversation> active_conversations(connection& conn, std::chrono::sys_seconds since) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<active_conversation> out;
    for (const auto& r : tx.exec_prepared("active_conversations", epoch(since))) {
      active_conversation a{r[0].as<long long>(), r[1].as<long long>(), std::nullopt};
      if (!r[2].is_null()) a.last_message_id = r[2].as<long long>();
      out.push_back(a);
    }
    return out;
  });
}

void defer_conversation_event(connection& conn, const conversation_fence& fence, long long event_id,
                              const std::string& error, std::chrono::seconds retry_in) {
  prepare_statements(conn);
  transact(conn, [&](pqxx::work& tx) {
    tx.exec_prepared("defer_conversation_event", event_id, error, static_cast<double>(retry_in.count()), fence.generation);
  });
}

std::vector<parked_conversation_event> parked_conversation_events(connection& conn) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<parked_conversation_event> out;
    for (const auto& r : tx.exec_prepared("parked_conversation_events"))
      out.push_back({r[0].as<long long>(), r[1].as<long long>(), r[2].as<std::string>(), r[3].as<int>(),
                     r[4].as<std::string>(), seconds_at(r[5])});
    return out;
  });
}

}  // namespace tutorbot::db
