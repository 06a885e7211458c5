#include "db/payments.hpp"

#include <boost/json.hpp>

#include "db/conversations.hpp"
#include "db/fence_tx.hpp"
#include "db/outbox_tx.hpp"
#include "db/pq.hpp"
#include "db/rows.hpp"

namespace tutorbot::db {

using std::chrono::sys_seconds;

namespace {

const std::string order_columns =
    "o.id::text, o.kind, o.status, o.product_id, o.lines::text, o.total_cents, o.vat_cents, o.refunded_cents, "
    "o.currency, o.locale, coalesce(o.customer_email, ''), extract(epoch FROM o.expires_at)::bigint, "
    "coalesce(o.stripe_checkout_session_id, ''), coalesce(o.checkout_url, ''), "
    "coalesce(o.stripe_payment_intent_id, ''), "
    "(SELECT b.id::text FROM bookings b WHERE b.order_id = o.id AND o.kind = 'lesson' LIMIT 1), "
    "o.student_id::text, o.conversation_id, "
    "(SELECT b.series_id::text FROM bookings b WHERE b.order_id = o.id AND o.kind = 'series' LIMIT 1)";

order_view to_order(const pqxx::row& r) {
  order_view o;
  o.id = r[0].as<std::string>();
  o.kind = r[1].as<std::string>();
  o.status = r[2].as<std::string>();
  o.product_id = r[3].as<std::string>();
  o.lines_json = r[4].as<std::string>();
  o.total = domain::cents{r[5].as<long long>()};
  o.vat = domain::cents{r[6].as<long long>()};
  o.refunded = domain::cents{r[7].as<long long>()};
  o.currency = r[8].as<std::string>();
  o.locale = r[9].as<std::string>();
  o.customer_email = r[10].as<std::string>();
  if (!r[11].is_null()) o.expires_at = seconds_at(r[11]);
  o.session_id = r[12].as<std::string>();
  o.checkout_url = r[13].as<std::string>();
  o.payment_intent = r[14].as<std::string>();
  if (!r[15].is_null()) o.booking = domain::booking_id{r[15].as<std::string>()};
  if (!r[16].is_null()) o.student_id = r[16].as<std::string>();
  if (!r[17].is_null()) o.conversation_id = r[17].as<long long>();
  if (!r[18].is_null()) o.series = r[18].as<std::string>();
  return o;
}

// The quote's lines as shown and charged; a package line also says how many lessons it
// credits once paid.
std::string lines_json(const order_request& request) {
  boost::json::array lines;
  for (const auto& l : request.quote.lines) {
    boost::json::object line;
    line["product_id"] = l.product_id;
    line["description_nl"] = l.description_nl;
    line["description_en"] = l.description_en;
    line["quantity"] = l.quantity;
    line["unit_amount"] = l.unit_amount.value;
    line["amount"] = l.amount.value;
    line["vat_amount"] = l.vat_amount.value;
    line["list_unit_amount"] = l.list_unit_amount.value;
    line["discount_percent"] = l.discount_percent;
    if (request.credits > 0) line["credits"] = request.credits;
    lines.push_back(std::move(line));
  }
  return boost::json::serialize(lines);
}

void prepare_statements(connection& conn) {
  prepare(conn, "order_by_id", "SELECT " + order_columns + " FROM orders o WHERE o.id = $1::uuid");
  prepare(conn, "order_by_id_locked", "SELECT " + order_columns + " FROM orders o WHERE o.id = $1::uuid FOR UPDATE");
  prepare(conn, "order_by_session", "SELECT " + order_columns + " FROM orders o WHERE o.stripe_checkout_session_id = $1");
  prepare(conn, "order_by_payment_intent_locked",
          "SELECT " + order_columns + " FROM orders o WHERE o.stripe_payment_intent_id = $1 FOR UPDATE");
  prepare(conn, "insert_order",
          "INSERT INTO orders (kind, product_id, lines, total_cents, vat_cents, currency, expires_at, customer_email, "
          "locale, student_id, conversation_id) VALUES ($1, $2, $3::jsonb, $4, $5, $6, to_timestamp($7), nullif($8, ''), "
          "$9, $10::uuid, $11::bigint) RETURNING id::text");
  prepare(conn, "link_booking_order", "UPDATE bookings SET order_id = $2::uuid, updated_at = now() WHERE id = $1::uuid");
  prepare(conn, "attach_checkout",
          "UPDATE orders SET stripe_checkout_session_id = $2, checkout_url = $3, updated_at = now() "
          "WHERE id = $1::uuid AND (stripe_checkout_session_id IS NULL OR stripe_checkout_session_id = $2)");
  prepare(conn, "open_orders_expired_before",
          "SELECT " + order_columns + " FROM orders o WHERE o.status = 'open' AND o.expires_at < to_timestamp($1) "
          "ORDER BY o.expires_at LIMIT $2");
  prepare(conn, "mark_order_paid",
          "UPDATE orders SET status = 'paid', paid_at = to_timestamp($2), stripe_payment_intent_id = nullif($3, ''), "
          "stripe_checkout_session_id = coalesce(stripe_checkout_session_id, nullif($4, '')), updated_at = now() "
          "WHERE id = $1::uuid");
  prepare(conn, "record_charge",
          "INSERT INTO payments (order_id, kind, provider_reference, amount_cents, status) "
          "VALUES ($1::uuid, 'charge', $2, $3, $4) ON CONFLICT (provider, kind, provider_reference) "
          "DO UPDATE SET status = EXCLUDED.status, amount_cents = EXCLUDED.amount_cents, updated_at = now() "
          "WHERE payments.status <> 'succeeded'");
  prepare(conn, "bookings_of_order_locked",
          "SELECT " + booking_columns + " FROM bookings WHERE order_id = $1::uuid ORDER BY lower(lesson) FOR UPDATE");
  prepare(conn, "confirm_paid_booking",
          "UPDATE bookings SET status = 'confirmed', confirmed_at = to_timestamp($2), paid_with = 'stripe', "
          "updated_at = now() WHERE id = $1::uuid RETURNING " + booking_columns);
  prepare(conn, "end_order", "UPDATE orders SET status = $2, updated_at = now() WHERE id = $1::uuid AND status = 'open'");
  prepare(conn, "release_held_bookings",
          "UPDATE bookings SET status = 'expired', updated_at = now(), cancel_reason = $2 "
          "WHERE order_id = $1::uuid AND status = 'held'");
  prepare(conn, "record_refund_row",
          "INSERT INTO payments (order_id, kind, provider_reference, amount_cents, status) "
          "VALUES ($1::uuid, 'refund', $2, $3, $4) ON CONFLICT (provider, kind, provider_reference) "
          "DO UPDATE SET status = EXCLUDED.status, updated_at = now() WHERE payments.status <> EXCLUDED.status "
          "AND payments.status = 'pending' RETURNING id");
  prepare(conn, "refunded_total",
          "SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE order_id = $1::uuid AND kind = 'refund' "
          "AND status = 'succeeded'");
  prepare(conn, "set_refunded",
          "UPDATE orders SET refunded_cents = LEAST(total_cents, GREATEST(refunded_cents, $2)), "
          "status = CASE WHEN LEAST(total_cents, GREATEST(refunded_cents, $2)) >= total_cents THEN 'refunded' "
          "ELSE 'partially_refunded' END, updated_at = now() WHERE id = $1::uuid RETURNING refunded_cents");
  prepare(conn, "cancel_refunded_booking",
          "UPDATE bookings SET status = 'cancelled', cancelled_at = to_timestamp($2), cancel_reason = 'refunded', "
          "invite_sequence = invite_sequence + 1, updated_at = now() WHERE id = $1::uuid AND status = 'confirmed'");
  prepare(conn, "credit_package",
          "INSERT INTO credit_ledger (student_id, delta, reason, order_id) VALUES ($1::uuid, $2, 'package_purchase', $3::uuid) "
          "ON CONFLICT DO NOTHING");
}

bool is_sqlstate(const pqxx::sql_error& e, const char* state) { return e.sqlstate() == state; }

std::optional<std::string> conversation_param(const order_request& request) {
  if (!request.conversation_id) return std::nullopt;
  return std::to_string(*request.conversation_id);
}

// Tells the conversation that asked for the order what became of it, in the same
// transaction as the change itself (processed by its actor, once, in order).
void tell_conversation(pqxx::work& tx, const order_view& order, payment_news news, boost::json::object payload,
                       const std::string& key_suffix = {}) {
  if (!order.conversation_id) return;
  const std::string what(to_string(news));
  payload["event"] = what;
  payload["order_id"] = order.id;
  tx.exec_params("INSERT INTO conversation_events (conversation_id, account_id, dedupe_key, kind, payload) "
                 "SELECT $1, chatwoot_account_id, $2, $4, $3::jsonb FROM conversations "
                 "WHERE chatwoot_conversation_id = $1 ON CONFLICT (dedupe_key) DO NOTHING",
                 *order.conversation_id, "payment:" + order.id + ":" + what + key_suffix, boost::json::serialize(payload),
                 std::string(conversation_event_kind::payment));
}

boost::json::object booking_payload(const domain::booking& b) {
  return {{"booking_id", b.id.value},
          {"tutor_id", b.tutor.value},
          {"start", epoch(b.lesson_start)},
          {"end", epoch(b.lesson_end)}};
}

// A lesson whose hold ended before its money arrived is confirmed again when its slot is still
// free; the exclusion constraint decides. An explicit savepoint: libpqxx 6.4's subtransaction
// sends none for exec_prepared, and a refused retake must leave the transaction usable.
bool retake_slot(pqxx::work& tx, const domain::booking& lesson, sys_seconds now) {
  tx.exec("SAVEPOINT retake_slot");
  try {
    tx.exec_prepared("confirm_paid_booking", lesson.id.value, epoch(now));
    tx.exec("RELEASE SAVEPOINT retake_slot");
    return true;
  } catch (const pqxx::sql_error& e) {
    if (!is_sqlstate(e, "23P01")) throw;  // anything but "slot taken meanwhile" is a real error
  }
  tx.exec("ROLLBACK TO SAVEPOINT retake_slot");
  return false;
}

long long now_epoch() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Every lesson of a paid series, in one transaction: held ones are confirmed, one whose hold
// ended is taken back when still free, and the share of each lesson it cannot have (taken
// meanwhile, or cancelled while the Checkout was open) goes back in one refund.
payment_outcome confirm_paid_series(pqxx::work& tx, const order_view& order, const paid_checkout& paid,
                                    sys_seconds now) {
  tell_conversation(tx, order, payment_news::payment_succeeded, {});
  std::optional<domain::booking> first_confirmed;
  int confirmed = 0;
  bool retaken = false;
  domain::cents lost{0};
  for (const auto& row : tx.exec_prepared("bookings_of_order_locked", order.id)) {
    auto lesson = to_booking(row);
    bool now_confirmed = false;
    if (lesson.status == domain::booking_status::held) {
      tx.exec_prepared("confirm_paid_booking", lesson.id.value, epoch(now));
      now_confirmed = true;
    } else if (lesson.status == domain::booking_status::expired) {
      now_confirmed = retake_slot(tx, lesson, now);
      retaken = retaken || now_confirmed;
    }
    if (now_confirmed) enqueue_booking_change_in(tx, lesson.id.value);
    if (now_confirmed || lesson.status == domain::booking_status::confirmed) {
      ++confirmed;
      if (!first_confirmed) first_confirmed = lesson;
    } else {
      lost += lesson.price;
    }
  }
  if (first_confirmed) {
    auto payload = booking_payload(*first_confirmed);
    payload["series_id"] = order.series.value_or("");
    payload["lessons"] = confirmed;
    tell_conversation(tx, order, payment_news::booking_confirmed, std::move(payload));
  }
  if (lost.value <= 0) return retaken ? payment_outcome::rebooked_late : payment_outcome::confirmed;
  const auto refund = std::min(lost, paid.amount);
  tell_conversation(tx, order, payment_news::refund_done, {{"amount_cents", refund.value}}, ":" + std::to_string(refund.value));
  enqueue_in(tx, outbox_kind::stripe_refund, "refund:slot-lost:" + order.id,
             boost::json::serialize(boost::json::object{
                 {"order_id", order.id}, {"amount_cents", refund.value}, {"reason", "slot_no_longer_free"}}),
             now_epoch());
  return confirmed > 0 ? payment_outcome::partly_refunded : payment_outcome::refund_due;
}

}  // namespace

std::string_view to_string(payment_outcome outcome) {
  switch (outcome) {
    case payment_outcome::confirmed: return "confirmed";
    case payment_outcome::rebooked_late: return "rebooked_late";
    case payment_outcome::refund_due: return "refund_due";
    case payment_outcome::extra_payment_refund_due: return "extra_payment_refund_due";
    case payment_outcome::partly_refunded: return "partly_refunded";
    case payment_outcome::credited: return "credited";
    case payment_outcome::already_recorded: return "already_recorded";
    case payment_outcome::unknown_order: return "unknown_order";
  }
  return "unknown";
}

std::string_view to_string(release_outcome outcome) {
  switch (outcome) {
    case release_outcome::released: return "released";
    case release_outcome::already_settled: return "already_settled";
    case release_outcome::unknown_order: return "unknown_order";
  }
  return "unknown";
}

std::string_view to_string(refund_outcome outcome) {
  switch (outcome) {
    case refund_outcome::booking_cancelled: return "booking_cancelled";
    case refund_outcome::recorded: return "recorded";
    case refund_outcome::already_recorded: return "already_recorded";
    case refund_outcome::unknown_payment: return "unknown_payment";
  }
  return "unknown";
}

open_order_result open_order_for_hold(connection& conn, const domain::booking_id& booking, const order_request& request,
                                      sys_seconds now) {
  if (!looks_like_uuid(booking.value)) return not_found{};
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> open_order_result {
    check_fence_in(tx, request.fence);
    auto rows = tx.exec_params("SELECT " + booking_columns + ", order_id::text FROM bookings WHERE id = $1::uuid FOR UPDATE",
                               booking.value);
    if (rows.empty()) return not_found{};
    auto b = to_booking(rows[0]);
    if (!rows[0].back().is_null()) {
      auto existing = tx.exec_prepared("order_by_id", rows[0].back().as<std::string>());
      return to_order(existing[0]);
    }
    if (b.status == domain::booking_status::expired ||
        (b.status == domain::booking_status::held && b.hold_expires_at && *b.hold_expires_at <= now))
      return hold_expired{};
    if (b.status != domain::booking_status::held) return wrong_status{b.status};
    const auto conversation = conversation_param(request);
    auto id = tx.exec_prepared("insert_order", "lesson", request.product_id, lines_json(request),
                               request.quote.total.value, request.quote.vat_total.value, request.quote.currency,
                               epoch(*b.hold_expires_at), request.customer_email, request.locale,
                               static_cast<const char*>(nullptr),
                               conversation ? conversation->c_str() : nullptr)[0][0]
                  .as<std::string>();
    tx.exec_prepared("link_booking_order", booking.value, id);
    return to_order(tx.exec_prepared("order_by_id", id)[0]);
  });
}

open_order_result open_order_for_series(connection& conn, const std::string& series_id,
                                        const std::vector<priced_lesson>& lessons, const order_request& request,
                                        sys_seconds now) {
  if (!looks_like_uuid(series_id) || lessons.empty()) return not_found{};
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> open_order_result {
    check_fence_in(tx, request.fence);
    auto rows = tx.exec_params("SELECT " + booking_columns + " FROM bookings "
                               "WHERE series_id = $1::uuid AND status IN ('held', 'expired') "
                               "ORDER BY lower(lesson) FOR UPDATE",
                               series_id);
    auto ordered = tx.exec_params("SELECT order_id::text FROM bookings WHERE series_id = $1::uuid "
                                  "AND order_id IS NOT NULL LIMIT 1",
                                  series_id);
    if (!ordered.empty()) return to_order(tx.exec_prepared("order_by_id", ordered[0][0].as<std::string>())[0]);
    if (rows.empty()) return not_found{};
    std::vector<domain::booking> held;
    for (const auto& r : rows) {
      auto b = to_booking(r);
      if (b.status == domain::booking_status::expired) return hold_expired{};
      if (b.hold_expires_at && *b.hold_expires_at <= now) return hold_expired{};
      held.push_back(std::move(b));
    }
    if (held.size() != lessons.size()) return wrong_status{domain::booking_status::held};
    for (std::size_t i = 0; i < held.size(); ++i)
      if (held[i].id != lessons[i].booking) return wrong_status{domain::booking_status::held};
    sys_seconds expires = *held.front().hold_expires_at;
    for (const auto& b : held) expires = std::min(expires, b.hold_expires_at.value_or(expires));
    const auto conversation = conversation_param(request);
    auto id = tx.exec_prepared("insert_order", "series", request.product_id, lines_json(request),
                               request.quote.total.value, request.quote.vat_total.value, request.quote.currency,
                               epoch(expires), request.customer_email, request.locale,
                               static_cast<const char*>(nullptr), conversation ? conversation->c_str() : nullptr)[0][0]
                  .as<std::string>();
    for (const auto& lesson : lessons)
      tx.exec_params("UPDATE bookings SET order_id = $2::uuid, price_cents = $3, updated_at = now() WHERE id = $1::uuid",
                     lesson.booking.value, id, lesson.share.value);
    return to_order(tx.exec_prepared("order_by_id", id)[0]);
  });
}

order_view open_package_order(connection& conn, const std::string& student_id, const order_request& request,
                              sys_seconds expires_at) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    check_fence_in(tx, request.fence);
    const auto conversation = conversation_param(request);
    auto id = tx.exec_prepared("insert_order", "package", request.product_id, lines_json(request),
                               request.quote.total.value, request.quote.vat_total.value, request.quote.currency,
                               epoch(expires_at), request.customer_email, request.locale, student_id,
                               conversation ? conversation->c_str() : nullptr)[0][0]
                  .as<std::string>();
    return to_order(tx.exec_prepared("order_by_id", id)[0]);
  });
}

order_view attach_checkout(connection& conn, const std::string& order_id, const std::string& session_id,
                           const std::string& url) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    if (tx.exec_prepared("attach_checkout", order_id, session_id, url).affected_rows() == 0) {
      enqueue_in(tx, outbox_kind::stripe_expire_session, "expire-session:" + session_id,
                 boost::json::serialize(boost::json::object{{"order_id", order_id}, {"session_id", session_id}}),
                 now_epoch());
    }
    return to_order(tx.exec_prepared("order_by_id", order_id)[0]);
  });
}

std::optional<order_view> find_order(connection& conn, const std::string& order_id) {
  if (!looks_like_uuid(order_id)) return std::nullopt;
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> std::optional<order_view> {
    auto rows = tx.exec_prepared("order_by_id", order_id);
    if (rows.empty()) return std::nullopt;
    return to_order(rows[0]);
  });
}

std::optional<order_view> find_order_by_session(connection& conn, const std::string& session_id) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> std::optional<order_view> {
    auto rows = tx.exec_prepared("order_by_session", session_id);
    if (rows.empty()) return std::nullopt;
    return to_order(rows[0]);
  });
}

std::vector<order_view> open_orders_expired_before(connection& conn, sys_seconds cutoff, int limit) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    std::vector<order_view> out;
    for (const auto& r : tx.exec_prepared("open_orders_expired_before", epoch(cutoff), limit)) out.push_back(to_order(r));
    return out;
  });
}

// Invariant 4: a paid session ends as a confirmed booking or a refund. A hold that ended
// before the money arrived is taken back when the slot is still free (the exclusion
// constraint decides, inside a savepoint), else the whole amount goes back.
payment_outcome record_paid_checkout(connection& conn, const paid_checkout& paid, sys_seconds now) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> payment_outcome {
    pqxx::result rows;
    if (looks_like_uuid(paid.order_id)) rows = tx.exec_prepared("order_by_id_locked", paid.order_id);
    if (rows.empty() && !paid.session_id.empty()) {
      auto by_session = tx.exec_prepared("order_by_session", paid.session_id);
      if (!by_session.empty()) rows = tx.exec_prepared("order_by_id_locked", by_session[0][0].as<std::string>());
    }
    if (rows.empty()) return payment_outcome::unknown_order;
    auto order = to_order(rows[0]);
    if (order.status == "paid" || order.status == "refunded" || order.status == "partially_refunded") {
      if (paid.payment_intent.empty() || order.payment_intent.empty() || paid.payment_intent == order.payment_intent)
        return payment_outcome::already_recorded;
      // A second payment for an order already paid (a session that should never have been
      // payable): the money goes back in full; the order keeps its lesson.
      tx.exec_prepared("record_charge", order.id, paid.payment_intent, paid.amount.value, "succeeded");
      enqueue_in(tx, outbox_kind::stripe_refund, "refund:extra-payment:" + paid.payment_intent,
                 boost::json::serialize(boost::json::object{{"order_id", order.id},
                                                            {"payment_intent", paid.payment_intent},
                                                            {"amount_cents", paid.amount.value},
                                                            {"reason", "paid_twice"}}),
                 now_epoch());
      tell_conversation(tx, order, payment_news::refund_done, {{"amount_cents", paid.amount.value}}, ":" + paid.payment_intent);
      return payment_outcome::extra_payment_refund_due;
    }
    tx.exec_prepared("mark_order_paid", order.id, epoch(now), paid.payment_intent, paid.session_id);
    enqueue_in(tx, outbox_kind::receipt_mail, "receipt:" + order.id,
               boost::json::serialize(boost::json::object{{"order_id", order.id}}), now_epoch());
    if (!paid.payment_intent.empty())
      tx.exec_prepared("record_charge", order.id, paid.payment_intent, paid.amount.value, "succeeded");

    if (order.kind == "package") {
      if (!order.student_id) return payment_outcome::credited;  // nothing to credit to; staff see the order
      auto credits = tx.exec_params("SELECT coalesce((lines->0->>'credits')::int, 0) FROM orders WHERE id = $1::uuid",
                                    order.id)[0][0].as<int>();
      if (credits > 0) tx.exec_prepared("credit_package", *order.student_id, credits, order.id);
      tell_conversation(tx, order, payment_news::payment_succeeded, {});
      return payment_outcome::credited;
    }

    if (order.kind == "series") return confirm_paid_series(tx, order, paid, now);
    auto booking_rows = tx.exec_prepared("bookings_of_order_locked", order.id);
    if (booking_rows.empty()) return payment_outcome::unknown_order;
    auto booking = to_booking(booking_rows[0]);
    tell_conversation(tx, order, payment_news::payment_succeeded, {});
    if (booking.status == domain::booking_status::held) {
      tx.exec_prepared("confirm_paid_booking", booking.id.value, epoch(now));
      enqueue_booking_change_in(tx, booking.id.value);
      tell_conversation(tx, order, payment_news::booking_confirmed, booking_payload(booking));
      return payment_outcome::confirmed;
    }
    if (booking.status == domain::booking_status::confirmed) return payment_outcome::confirmed;
    if (retake_slot(tx, booking, now)) {
      enqueue_booking_change_in(tx, booking.id.value);
      tell_conversation(tx, order, payment_news::booking_confirmed, booking_payload(booking));
      return payment_outcome::rebooked_late;
    }
    tell_conversation(tx, order, payment_news::refund_done, {{"amount_cents", paid.amount.value}}, ":" + std::to_string(paid.amount.value));
    enqueue_in(tx, outbox_kind::stripe_refund, "refund:slot-lost:" + order.id,
               boost::json::serialize(boost::json::object{
                   {"order_id", order.id}, {"amount_cents", paid.amount.value}, {"reason", "slot_no_longer_free"}}),
               now_epoch());
    return payment_outcome::refund_due;
  });
}

release_outcome record_checkout_ended(connection& conn, const std::string& order_id, const std::string& session_id,
                                      bool failed, sys_seconds) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> release_outcome {
    pqxx::result rows;
    if (looks_like_uuid(order_id)) rows = tx.exec_prepared("order_by_id_locked", order_id);
    if (rows.empty() && !session_id.empty()) {
      auto by_session = tx.exec_prepared("order_by_session", session_id);
      if (!by_session.empty()) rows = tx.exec_prepared("order_by_id_locked", by_session[0][0].as<std::string>());
    }
    if (rows.empty()) return release_outcome::unknown_order;
    auto order = to_order(rows[0]);
    if (order.status != "open") return release_outcome::already_settled;
    tx.exec_prepared("end_order", order.id, failed ? "failed" : "expired");
    tell_conversation(tx, order, failed ? payment_news::payment_failed : payment_news::payment_expired, {});
    tx.exec_prepared("release_held_bookings", order.id, failed ? "payment_failed" : "checkout_expired");
    return release_outcome::released;
  });
}

bool record_payment_failure(connection& conn, const std::string& order_id, const std::string& payment_intent) {
  if (!looks_like_uuid(order_id)) return false;
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) {
    auto rows = tx.exec_prepared("order_by_id", order_id);
    if (rows.empty()) return false;
    auto order = to_order(rows[0]);
    // A failed attempt is a fact worth keeping; the amount is what was attempted.
    if (!payment_intent.empty())
      tx.exec_params("INSERT INTO payments (order_id, kind, provider_reference, amount_cents, status) "
                     "VALUES ($1::uuid, 'charge', $2, $3, 'failed') ON CONFLICT (provider, kind, provider_reference) "
                     "DO NOTHING",
                     order.id, payment_intent, std::max<long long>(order.total.value, 1));
    // Keyed by the attempt, so each declined attempt is told once.
    tell_conversation(tx, order, payment_news::payment_failed, {}, ":" + payment_intent);
    return true;
  });
}

refund_outcome record_refund(connection& conn, const refund_facts& refund, sys_seconds now) {
  prepare_statements(conn);
  return transact(conn, [&](pqxx::work& tx) -> refund_outcome {
    auto rows = tx.exec_prepared("order_by_payment_intent_locked", refund.payment_intent);
    if (rows.empty()) return refund_outcome::unknown_payment;
    auto order = to_order(rows[0]);
    long long refunded_total = 0;
    if (!refund.refund_id.empty()) {
      if (refund.amount.value <= 0) return refund_outcome::recorded;
      auto changed = tx.exec_prepared("record_refund_row", order.id, refund.refund_id, refund.amount.value,
                                      refund.status == "succeeded" ? "succeeded"
                                      : (refund.status == "failed" || refund.status == "canceled") ? "failed"
                                                                                                     : "pending");
      if (changed.empty()) return refund_outcome::already_recorded;
      if (refund.status != "succeeded") return refund_outcome::recorded;
      refunded_total = tx.exec_prepared("refunded_total", order.id)[0][0].as<long long>();
    } else {
      refunded_total = refund.amount.value;  // charge.refunded: the charge's amount_refunded
    }
    if (refunded_total <= order.refunded.value && order.status != "paid") return refund_outcome::already_recorded;
    tx.exec_prepared("set_refunded", order.id, refunded_total);
    bool cancelled_now = false;
    if (order.booking) {
      auto cancelled = tx.exec_prepared("cancel_refunded_booking", order.booking->value, epoch(now));
      cancelled_now = cancelled.affected_rows() > 0;
      if (cancelled_now) {
        enqueue_booking_change_in(tx, order.booking->value);
        tell_conversation(tx, order, payment_news::booking_cancelled, {{"booking_id", order.booking->value}});
      }
    } else if (order.series && refunded_total >= order.total.value) {
      // All of a series' money is back (a refund made in Stripe's dashboard): none of its
      // lessons still to come stays booked on it. A partial refund leaves them to staff.
      for (const auto& row : tx.exec_params(
               "UPDATE bookings SET status = 'cancelled', cancelled_at = to_timestamp($2), cancel_reason = 'refunded', "
               "invite_sequence = invite_sequence + 1, updated_at = now() WHERE order_id = $1::uuid "
               "AND status = 'confirmed' AND lower(lesson) > to_timestamp($2) RETURNING id::text",
               order.id, epoch(now))) {
        enqueue_booking_change_in(tx, row[0].as<std::string>());
        cancelled_now = true;
      }
      if (cancelled_now) tell_conversation(tx, order, payment_news::booking_cancelled, {{"series_id", *order.series}});
    }
    tell_conversation(tx, order, payment_news::refund_done, {{"amount_cents", refunded_total - order.refunded.value}},
                      ":" + std::to_string(refunded_total));
    return cancelled_now ? refund_outcome::booking_cancelled : refund_outcome::recorded;
  });
}

}  // namespace tutorbot::db
