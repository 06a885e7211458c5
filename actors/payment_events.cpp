#include "actors/payment_events.hpp"

#include "db/payments.hpp"
#include "net/stripe_client.hpp"

namespace tutorbot::actors {

namespace {

std::string order_of(const net::stripe_metadata& metadata, const std::string& client_reference_id = {}) {
  if (auto it = metadata.find("order_id"); it != metadata.end()) return it->second;
  return client_reference_id;
}

event_verdict paid(const net::checkout_session& session, db::connection& conn, std::chrono::sys_seconds now) {
  db::paid_checkout facts{order_of(session.metadata, session.client_reference_id), session.id, session.payment_intent,
                          session.amount_total};
  auto outcome = db::record_paid_checkout(conn, facts, now);
  return {true, std::string(db::to_string(outcome))};
}

event_verdict ended(const net::checkout_session& session, bool failed, db::connection& conn,
                    std::chrono::sys_seconds now) {
  auto outcome =
      db::record_checkout_ended(conn, order_of(session.metadata, session.client_reference_id), session.id, failed, now);
  return {true, std::string(db::to_string(outcome))};
}

event_verdict refunded(const db::refund_facts& facts, db::connection& conn, std::chrono::sys_seconds now) {
  if (facts.payment_intent.empty()) return {true, "ignored: no payment_intent"};
  auto outcome = db::record_refund(conn, facts, now);
  // The payment this refund belongs to is not recorded yet: its event is still on its way.
  if (outcome == db::refund_outcome::unknown_payment) return {false, "payment not recorded yet"};
  return {true, std::string(db::to_string(outcome))};
}

}  // namespace

event_verdict apply_stripe_event(const net::stripe_event& event, db::connection& conn, std::chrono::sys_seconds now) {
  const auto& type = event.type;
  if (const auto* session = std::get_if<net::checkout_session>(&event.object)) {
    if (type == "checkout.session.completed") {
      // Delayed methods complete unpaid and finish with async_payment_succeeded/failed.
      if (session->payment_status == net::checkout_payment_status::paid) return paid(*session, conn, now);
      return {true, "completed, payment pending"};
    }
    if (type == "checkout.session.async_payment_succeeded") return paid(*session, conn, now);
    if (type == "checkout.session.async_payment_failed") return ended(*session, true, conn, now);
    if (type == "checkout.session.expired") return ended(*session, false, conn, now);
  }
  if (const auto* intent = std::get_if<net::payment_intent>(&event.object); intent && type == "payment_intent.payment_failed") {
    auto order = order_of(intent->metadata);
    if (order.empty()) return {true, "ignored: no order_id in metadata"};
    return {true, db::record_payment_failure(conn, order, intent->id) ? "failure recorded" : "unknown order"};
  }
  if (const auto* r = std::get_if<net::refund>(&event.object); r && type.rfind("refund.", 0) == 0) {
    return refunded({r->id, r->payment_intent, r->amount, std::string(net::to_string(r->status))}, conn, now);
  }
  if (const auto* c = std::get_if<net::charge>(&event.object); c && type == "charge.refunded") {
    return refunded({"", c->payment_intent, c->amount_refunded, "succeeded"}, conn, now);
  }
  return {true, "ignored"};
}

}  // namespace tutorbot::actors
