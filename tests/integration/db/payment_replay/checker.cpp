#include "tests/integration/db/payment_replay/checker.hpp"

#include <algorithm>

#include <boost/json.hpp>
#include <pqxx/pqxx>

namespace tutorbot::testing::replay {

namespace json = boost::json;

database_state read_state(replay_db& d) {
  std::map<std::string, std::pair<int, bool>> booking_of;  // booking id → (scenario, is competitor)
  std::map<std::string, int> order_of, student_of;
  for (std::size_t i = 0; i < d.ids.size(); ++i) {
    const int n = static_cast<int>(i);
    if (!d.ids[i].booking.empty()) booking_of[d.ids[i].booking] = {n, false};
    if (!d.ids[i].competitor.empty()) booking_of[d.ids[i].competitor] = {n, true};
    order_of[d.ids[i].order] = n;
    if (!d.ids[i].student.empty()) student_of[d.ids[i].student] = n;
  }
  database_state state;
  state.scenarios.resize(d.ids.size());
  auto& st = state.scenarios;

  pqxx::connection c(d.url);
  pqxx::nontransaction tx(c);
  for (const auto& r : tx.exec("SELECT id::text, status, coalesce(paid_with, ''), coalesce(cancel_reason, '') FROM bookings")) {
    auto it = booking_of.find(r[0].as<std::string>());
    if (it == booking_of.end()) {
      state.unattributed.push_back("booking " + r[1].as<std::string>());
      continue;
    }
    auto& s = st[it->second.first];
    if (it->second.second) {
      s.competitor_status = r[1].as<std::string>();
    } else {
      s.booking_status = r[1].as<std::string>();
      s.paid_with = r[2].as<std::string>();
      s.cancel_reason = r[3].as<std::string>();
    }
  }
  for (const auto& r : tx.exec("SELECT id::text, status, refunded_cents, coalesce(stripe_payment_intent_id, ''), "
                               "paid_at IS NOT NULL FROM orders")) {
    auto it = order_of.find(r[0].as<std::string>());
    if (it == order_of.end()) {
      state.unattributed.push_back("order " + r[1].as<std::string>());
      continue;
    }
    auto& s = st[it->second];
    s.order_status = r[1].as<std::string>();
    s.refunded = r[2].as<long long>();
    s.payment_intent = r[3].as<std::string>();
    s.paid_at = r[4].as<bool>();
  }
  for (const auto& r : tx.exec("SELECT order_id::text, kind, provider_reference, amount_cents, status FROM payments")) {
    st[order_of.at(r[0].as<std::string>())].payments.push_back(r[1].as<std::string>() + " " + r[2].as<std::string>() +
                                                               " " + r[3].as<std::string>() + " " +
                                                               r[4].as<std::string>());
  }
  for (const auto& r : tx.exec("SELECT kind, idempotency_key, payload::text FROM outbox")) {
    const auto kind = r[0].as<std::string>();
    auto payload = json::parse(r[2].as<std::string>()).as_object();
    auto text = [&](const char* key) {
      const auto* v = payload.if_contains(key);
      return v && v->is_string() ? std::string(v->as_string()) : std::string{};
    };
    if (auto b = booking_of.find(text("booking_id")); b != booking_of.end()) {
      ++st[b->second.first].outbox[b->second.second ? kind + ":competitor" : kind];
    } else if (auto o = order_of.find(text("order_id")); o != order_of.end()) {
      auto& s = st[o->second];
      ++s.outbox[kind];
      auto key = r[1].as<std::string>();  // the order id in it differs between the databases
      if (auto at = key.find(o->first); at != std::string::npos) key.replace(at, o->first.size(), "<order>");
      std::string detail = kind + " key " + key;
      if (const auto* amount = payload.if_contains("amount_cents")) detail += " amount " + json::serialize(*amount);
      if (!text("reason").empty()) detail += " reason " + text("reason");
      if (!text("session_id").empty()) detail += " session " + text("session_id");
      s.outbox_details.push_back(detail);
    } else {
      state.unattributed.push_back("outbox " + kind + " " + r[2].as<std::string>());
    }
  }
  for (const auto& r : tx.exec("SELECT student_id::text, coalesce(order_id::text, ''), reason, delta FROM credit_ledger")) {
    auto o = order_of.find(r[1].as<std::string>());
    auto s = student_of.find(r[0].as<std::string>());
    int n = o != order_of.end() ? o->second : s != student_of.end() ? s->second : -1;
    auto row = r[2].as<std::string>() + " " + r[3].as<std::string>();
    if (n < 0) state.unattributed.push_back("ledger " + row);
    else st[n].ledger.push_back(row);
  }
  state.messages = tx.exec("SELECT to_regclass('conversation_events') IS NOT NULL")[0][0].as<bool>();
  if (state.messages) {
    for (const auto& r : tx.exec("SELECT conversation_id, dedupe_key, payload::text FROM conversation_events "
                                 "WHERE kind = 'payment'")) {
      const auto n = r[0].as<long long>() - 900000;
      if (n < 0 || n >= static_cast<long long>(st.size())) {
        state.unattributed.push_back("conversation event " + r[1].as<std::string>());
        continue;
      }
      auto& s = st[n];
      auto payload = json::parse(r[2].as<std::string>()).as_object();
      const auto* event = payload.if_contains("event");
      const std::string what = event && event->is_string() ? std::string(event->as_string()) : "?";
      auto message = r[1].as<std::string>();
      if (auto at = message.find(d.ids[n].order); at != std::string::npos)
        message.replace(at, d.ids[n].order.size(), "<order>");
      if (const auto* amount = payload.if_contains("amount_cents"); amount && amount->is_int64()) {
        message += " " + std::to_string(amount->as_int64());
        if (what == "refund_done") s.refund_told += amount->as_int64();
      }
      if (what != "refund_done") ++s.told[what];
      s.messages.push_back(message);
    }
  }
  for (auto& s : st) {
    std::sort(s.messages.begin(), s.messages.end());
    std::sort(s.payments.begin(), s.payments.end());
    std::sort(s.outbox_details.begin(), s.outbox_details.end());
    std::sort(s.ledger.begin(), s.ledger.end());
  }
  std::sort(state.unattributed.begin(), state.unattributed.end());
  return state;
}

// ---- What each kind must end as, whatever the delivery order -------------------------------

std::vector<std::string> violations(const scenario& s, const scenario_state& st, bool messages) {
  std::vector<std::string> out;
  auto expect = [&](bool ok, const std::string& what) {
    if (!ok) out.push_back(what);
  };
  const std::string charge_ok = "charge " + s.intent() + " " + std::to_string(s.amount) + " succeeded";
  const std::string charge_failed = "charge " + s.intent() + " " + std::to_string(s.amount) + " failed";
  auto has = [&](const std::string& row) { return std::find(st.payments.begin(), st.payments.end(), row) != st.payments.end(); };
  auto refunds_succeeded = [&] {
    long long sum = 0;
    for (const auto& p : st.payments)
      if (p.rfind("refund ", 0) == 0) {
        // KNOWN BUG (refund_pending_then_succeeded): record_refund_row lets a late
        // refund.created (pending) overwrite the 'succeeded' of an earlier refund.updated.
        expect(p.ends_with(" succeeded"), "every refund row succeeded (" + p + ")");
        std::istringstream in(p);
        std::string kind, ref;
        long long amount = 0;
        in >> kind >> ref >> amount;
        sum += amount;
      }
    return sum;
  };
  auto confirmed_by_payment = [&] {
    expect(st.booking_status == "confirmed", "booking confirmed");
    expect(st.paid_with == "stripe", "booking paid_with stripe");
    expect(st.order_status == "paid", "order paid");
    expect(st.refunded == 0, "nothing refunded");
    // The payment that succeeded is the one row of its intent, whatever failed before it.
    // KNOWN BUG (failed_then_paid): record_charge's ON CONFLICT DO NOTHING keeps the 'failed'
    // row that record_payment_failure wrote for the same payment intent.
    expect(st.payments == std::vector<std::string>{charge_ok}, "payments = [" + charge_ok + "]");
    expect(st.count("calendar.sync") == 1, "one calendar.sync for the confirmation");
    expect(st.count("mail.booking") == 1, "one mail for the confirmation");
    expect(st.count("stripe.refund") == 0, "no refund");
  };
  auto cancelled_by_refund = [&] {
    expect(st.booking_status == "cancelled" && st.cancel_reason == "refunded", "booking cancelled (refunded)");
    expect(st.order_status == "refunded" && st.refunded == s.amount, "order refunded in full");
    expect(has(charge_ok), "the charge succeeded");
    expect(refunds_succeeded() == s.amount, "the refund rows add up to the amount");
    expect(st.count("calendar.sync") == 2, "one calendar.sync for the confirmation and one for the cancellation");
    expect(st.count("mail.booking") == 2, "one mail for the confirmation and one for the cancellation");
    expect(st.count("stripe.refund") == 0, "no refund asked of Stripe (it was made there)");
  };
  auto released = [&](const char* order_status, const char* reason) {
    expect(st.booking_status == "expired" && st.cancel_reason == reason,
           std::string("booking expired (") + reason + ")");
    expect(st.order_status == order_status, std::string("order ") + order_status);
    expect(!has(charge_ok), "no succeeded charge");
    expect(st.outbox.empty(), "no side effects");
  };

  switch (s.k) {
    case kind::paid:
    case kind::failed_then_paid:
    case kind::async_paid:
      confirmed_by_payment();
      expect(st.outbox.size() == 3, "no other side effects");
      break;
    case kind::late_slot_free:
      confirmed_by_payment();
      expect(st.count("stripe.expire_session") <= 1, "the sweep's session expiry at most once");
      break;
    case kind::refunded:
    case kind::refund_pending_then_succeeded:
    case kind::refunded_in_two_parts:
      cancelled_by_refund();
      break;
    case kind::partially_refunded:
      expect(st.order_status == "partially_refunded" && st.refunded == 1500, "order partially refunded (1500)");
      expect(has(charge_ok), "the charge succeeded");
      expect(refunds_succeeded() == 1500, "one refund row of 1500");
      // What a partial refund means for the lesson is policy; whichever it is, the calendar
      // follows it once.
      expect(st.count("calendar.sync") == (st.booking_status == "cancelled" ? 2 : 1), "calendar.sync once per change");
      expect(st.count("mail.booking") == st.count("calendar.sync"), "a mail once per change");
      expect(st.count("stripe.refund") == 0, "no refund asked of Stripe");
      break;
    case kind::expired:
      released("expired", "checkout_expired");
      expect(st.payments.empty(), "no payments");
      break;
    case kind::expired_after_failure:
      released("expired", "checkout_expired");
      expect(st.payments == std::vector<std::string>{charge_failed}, "payments = [" + charge_failed + "]");
      break;
    case kind::async_failed:
      released("failed", "payment_failed");
      expect(st.payments == std::vector<std::string>{charge_failed}, "payments = [" + charge_failed + "]");
      break;
    case kind::late_slot_taken:
    case kind::late_slot_taken_refunded: {
      // KNOWN BUG: record_paid_checkout throws here ("current transaction is aborted"): its
      // pqxx::subtransaction never issues SAVEPOINT (libpqxx 6.4 begins it lazily, and
      // exec_prepared does not), so the exclusion violation aborts the whole transaction.
      expect(st.booking_status == "expired", "booking stays expired (its slot is someone else's)");
      expect(has(charge_ok), "the charge succeeded");
      expect(st.count("calendar.sync") == 0, "no calendar event for the lost booking");
      expect(st.count("mail.booking") == 0, "no mail for the lost booking");
      expect(st.count("stripe.refund") == 1, "exactly one stripe.refund");
      expect(std::count(st.outbox_details.begin(), st.outbox_details.end(),
                        "stripe.refund key refund:slot-lost:<order> amount " + std::to_string(s.amount) +
                            " reason slot_no_longer_free") == 1,
             "the refund is the whole amount, keyed on the order");
      expect(st.competitor_status == (s.competitor_confirmed ? "confirmed" : "held"), "the competitor keeps the slot");
      expect(st.count("calendar.sync:competitor") == (s.competitor_confirmed ? 1 : 0), "the competitor's calendar.sync");
      if (s.k == kind::late_slot_taken) {
        expect(st.order_status == "paid" && st.refunded == 0, "order paid (refund on its way)");
      } else {
        expect(st.order_status == "refunded" && st.refunded == s.amount, "order refunded in full");
        expect(refunds_succeeded() == s.amount, "the refund row");
      }
      break;
    }
    case kind::untouched:
      expect(st.booking_status == "held" && st.order_status == "open", "booking held, order open");
      expect(st.payments.empty() && st.outbox.empty(), "no payments, no side effects");
      break;
    case kind::package_paid:
      expect(st.order_status == "paid", "order paid");
      expect(st.payments == std::vector<std::string>{charge_ok}, "payments = [" + charge_ok + "]");
      expect(st.ledger == std::vector<std::string>{"package_purchase " + std::to_string(package_credits)},
             "the package's lessons credited once");
      expect(st.outbox.size() == 1, "no side effects but the receipt");
      break;
  }
  if (s.k != kind::package_paid) expect(st.ledger.empty(), "no credit changes");
  const bool money_received = s.k != kind::expired && s.k != kind::expired_after_failure && s.k != kind::async_failed &&
                              s.k != kind::untouched;
  expect(st.count("mail.receipt") == (money_received ? 1 : 0), "one receipt for the money received");
  expect(st.count("stripe.refund") <= 1, "never two refunds");
  if (messages) {
    // The chat hears of each outcome once (and a chat-less order is told nothing).
    const bool c = s.conversation;
    const bool confirmed = money_received && !slot_taken(s.k) && s.k != kind::package_paid;
    const bool cancelled = s.k == kind::refunded || s.k == kind::refund_pending_then_succeeded ||
                           s.k == kind::refunded_in_two_parts || st.cancel_reason == "refunded";
    const long long refund = slot_taken(s.k) ? s.amount : st.refunded;
    expect(st.times_told("payment_succeeded") == (c && money_received ? 1 : 0), "told payment_succeeded once");
    expect(st.times_told("booking_confirmed") == (c && confirmed ? 1 : 0), "told booking_confirmed once");
    expect(st.times_told("booking_cancelled") == (c && cancelled ? 1 : 0), "told booking_cancelled once");
    expect(st.times_told("payment_expired") == (c && (s.k == kind::expired || s.k == kind::expired_after_failure) ? 1 : 0),
           "told payment_expired once");
    // A refund still on its way may be told now or once Stripe has made it, but only once.
    // KNOWN BUG (late_slot_taken_refunded, chat): record_paid_checkout tells refund_done
    // (key …:refund_done) and record_refund tells it again (key …:refund_done:4500).
    if (s.k == kind::late_slot_taken && c)
      expect(st.refund_told == 0 || st.refund_told == refund, "told of the refund at most once (" + std::to_string(refund) + ")");
    else
      expect(st.refund_told == (c ? refund : 0), "told of the money refunded once (" + std::to_string(c ? refund : 0) + ")");
    if (!c) expect(st.messages.empty(), "nothing told without a chat");
  }
  return out;
}

}  // namespace tutorbot::testing::replay
