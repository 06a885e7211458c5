#include "actors/stripe_effects.hpp"

#include <boost/json.hpp>

#include "actors/blocking_call.hpp"
#include "actors/clock.hpp"
#include "db/payments.hpp"
#include "net/json_fields.hpp"
#include "net/stripe_client.hpp"
#include "obs/log.hpp"

namespace tutorbot::actors {

namespace {

using std::chrono::sys_seconds;

std::optional<boost::json::object> payload_of(const db::outbox_item& item) {
  boost::system::error_code ec;
  auto value = boost::json::parse(item.payload, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return value.as_object();
}

// Stripe's refusals that repeating cannot change are final; the rest is tried again.
outbox_outcome failed(const char* what, const net::stripe_error& e) {
  std::string why = std::string(what) + ": " + std::string(net::to_string(e.kind)) + " " + e.code + " " + e.message;
  using kind = net::stripe_error_kind;
  switch (e.kind) {
    case kind::invalid_request:
    case kind::not_found:
    case kind::idempotency:
    case kind::card:
    case kind::permission:
      return outbox_outcome::give_up(why);
    default:
      return outbox_outcome::retry(why);
  }
}

}  // namespace

outbox_handler make_stripe_refund(net::stripe_client& stripe) {
  return [&stripe](const db::outbox_item& item, db::connection& conn) {
    auto payload = payload_of(item);
    if (!payload) return outbox_outcome::give_up("payload is not a JSON object");
    auto order = db::find_order(conn, net::string_at(*payload, "order_id"));
    if (!order) return outbox_outcome::give_up("no order " + net::string_at(*payload, "order_id"));
    // A payment beyond the one that paid the order names its own payment intent.
    auto payment_intent = net::string_at(*payload, "payment_intent");
    if (payment_intent.empty()) payment_intent = order->payment_intent;
    if (payment_intent.empty()) return outbox_outcome::retry("the order's payment is not recorded yet");
    const auto* amount = payload->if_contains("amount_cents");
    net::refund_request request;
    request.payment_intent = payment_intent;
    if (amount && amount->is_int64()) request.amount = domain::cents{amount->as_int64()};
    request.reason = net::refund_reason::requested_by_customer;
    request.metadata = {{"order_id", order->id}, {"reason", net::string_at(*payload, "reason")}};
    if (order->booking) request.metadata["booking_id"] = order->booking->value;
    // The outbox key is unique per refund we decided on: Stripe refunds it once, however often asked.
    request.idempotency_key = "refund-" + item.idempotency_key;
    auto answer = wait_for_result<net::refund_result>(
        stripe.longest_wait(), [&](auto done) { stripe.create_refund(std::move(request), std::move(done)); });
    if (!answer) return outbox_outcome::retry("refund: Stripe did not answer in time");
    if (auto* e = std::get_if<net::stripe_error>(&*answer)) return failed("refund", *e);
    const auto& refund = std::get<net::refund>(*answer);
    // Recorded now as well as when its webhook comes: whichever is first, the other is a no-op.
    auto outcome = db::record_refund(
        conn, {refund.id, refund.payment_intent, refund.amount, std::string(net::to_string(refund.status))}, now_seconds());
    obs::log_info("refund_created", {{"order_id", order->id}, {"refund_id", refund.id},
                                     {"amount_cents", static_cast<std::int64_t>(refund.amount.value)},
                                     {"outcome", std::string(db::to_string(outcome))}});
    return outbox_outcome::done();
  };
}

outbox_handler make_session_expiry(net::stripe_client& stripe) {
  return [&stripe](const db::outbox_item& item, db::connection&) {
    auto payload = payload_of(item);
    if (!payload) return outbox_outcome::give_up("payload is not a JSON object");
    auto session = net::string_at(*payload, "session_id");
    auto answer = wait_for_result<net::checkout_result>(stripe.longest_wait(), [&](auto done) {
      // Keyed by the session: an order may have two to end (a duplicate and its own).
      stripe.expire_checkout_session(session, "expire-" + session, std::move(done));
    });
    if (!answer) return outbox_outcome::retry("expire: Stripe did not answer in time");
    if (auto* e = std::get_if<net::stripe_error>(&*answer)) {
      // Already complete or expired: its own event tells the supervisor which.
      if (e->kind == net::stripe_error_kind::session_not_open) return outbox_outcome::done();
      return failed("expire", *e);
    }
    obs::log_info("checkout_expired_by_us", {{"session_id", session}});
    return outbox_outcome::done();
  };
}

}  // namespace tutorbot::actors
